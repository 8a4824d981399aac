"""POST /v1/community/posts/{postId}/comments: comment on a post (rate limited per user)."""

from wellness.community.wiring import community_service, member
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityAddComment", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(201, community.add_comment(member(request), request.params["postId"], request.body["text"]))
