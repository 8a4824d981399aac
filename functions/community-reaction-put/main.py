"""PUT /v1/community/posts/{postId}/reactions/me: react to a post (once; repeating changes nothing)."""

from wellness.community.interactions import set_reaction
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityPutReaction", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    post_id = request.params["postId"]
    state = runtime.firestore_transaction(
        lambda tx, _: set_reaction(runtime.firestore, tx, request.user_id, post_id, on=True)
    )
    return ApiResponse(200, state)
