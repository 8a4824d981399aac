"""POST /v1/community/posts: share a post (at most a few a minute per user, across every instance)."""

from wellness.community.posts import create_post, with_author
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityCreatePost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    post = runtime.firestore_transaction(
        lambda tx, _: create_post(runtime.firestore, tx, request.user_id, request.body)
    )
    return ApiResponse(201, with_author(runtime.firestore, post, request.user_id))
