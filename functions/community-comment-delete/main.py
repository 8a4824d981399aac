"""DELETE /v1/community/posts/{postId}/comments/{commentId}: delete one's own comment."""

from wellness.community.interactions import delete_comment
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityDeleteComment", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    post_id, comment_id = request.params["postId"], request.params["commentId"]
    runtime.firestore_transaction(
        lambda tx, _: delete_comment(runtime.firestore, tx, request.user_id, post_id, comment_id)
    )
    return ApiResponse(204)
