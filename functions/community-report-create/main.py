"""POST /v1/community/posts/{postId}/reports: report a post once; enough reports hide it."""

from wellness.community.interactions import report
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("communityReportPost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    post_id = request.params["postId"]
    recorded = runtime.firestore_transaction(
        lambda tx, _: report(runtime.firestore, tx, request.user_id, post_id, request.body)
    )
    return ApiResponse(201 if recorded else 200, {"postId": post_id, "reported": True})
