"""PUT /v1/community/posts/{postId}/reactions/me: react to a post (once; repeating changes nothing)."""

from wellness.community.wiring import community_service, member
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityPutReaction", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, community.put_reaction(member(request), request.params["postId"]))
