"""DELETE /v1/community/posts/{postId}: the author deletes a post, with its comments and reactions."""

from wellness.community.wiring import community_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityDeletePost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    community.delete_post(request.user_id, request.params["postId"])
    return ApiResponse(204)
