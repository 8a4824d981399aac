"""POST /v1/community/posts: share a post (at most a few a minute per user, across every instance)."""

from wellness.community.wiring import community_service, member
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityCreatePost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    body = request.body
    return ApiResponse(201, community.create_post(member(request), body["text"], body.get("programId")))
