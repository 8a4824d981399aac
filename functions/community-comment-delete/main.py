"""DELETE /v1/community/posts/{postId}/comments/{commentId}: delete one's own comment."""

from wellness.community.wiring import community_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityDeleteComment", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    community.delete_comment(request.user_id, request.params["postId"], request.params["commentId"])
    return ApiResponse(204)
