"""GET /v1/community/posts/{postId}/comments: a post's comments, oldest first."""

from wellness.community.interactions import list_comments
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityListComments", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    params = request.params
    page = list_comments(
        runtime.firestore, request.user_id, params["postId"], limit=params["limit"], cursor=params.get("cursor")
    )
    return ApiResponse(200, page)
