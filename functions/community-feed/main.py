"""GET /v1/community/posts: the feed, newest first, hidden posts left out, with each author's public profile."""

from wellness.community.wiring import community_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityListPosts", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    params = request.params
    return ApiResponse(200, community.feed(request.user_id, limit=params["limit"], cursor=params.get("cursor")))
