"""DELETE /v1/community/posts/{postId}: the author deletes a post, with its comments and reactions."""

from wellness.community.posts import delete_post
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityDeletePost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    delete_post(runtime.firestore, request.user_id, request.params["postId"])
    return ApiResponse(204)
