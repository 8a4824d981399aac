"""GET /v1/community/posts/{postId}/comments: a post's comments, oldest first."""

from wellness.community.wiring import community_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityListComments", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    params = request.params
    page = community.comments(request.user_id, params["postId"], limit=params["limit"], cursor=params.get("cursor"))
    return ApiResponse(200, page)
