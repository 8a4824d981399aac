"""GET /v1/community/posts/{postId}: one post (a hidden one only to its author)."""

from wellness.community.posts import get_post
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityGetPost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, get_post(runtime.firestore, request.user_id, request.params["postId"]))
