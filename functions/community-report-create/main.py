"""POST /v1/community/posts/{postId}/reports: report a post once; enough reports hide it."""

from wellness.community.wiring import community_service, member
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")
community = community_service(runtime)


@endpoint("communityReportPost", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    reason = (request.body or {}).get("reason", "")
    report, created = community.report(member(request), request.params["postId"], reason)
    return ApiResponse(201 if created else 200, report)
