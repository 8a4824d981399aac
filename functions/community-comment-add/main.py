"""POST /v1/community/posts/{postId}/comments: comment on a post (rate limited per user)."""

from wellness.community.interactions import add_comment
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityAddComment", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    post_id, text = request.params["postId"], request.body["text"]
    comment = runtime.firestore_transaction(
        lambda tx, _: add_comment(runtime.firestore, tx, request.user_id, post_id, text)
    )
    return ApiResponse(201, comment)
