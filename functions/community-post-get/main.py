"""GET /v1/community/posts/{postId}: one post (a hidden one only to its author)."""

from wellness.community.wiring import community_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityGetPost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, community.get_post(request.user_id, request.params["postId"]))
