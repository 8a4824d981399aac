"""GET /v1/me/reports/summary: the caller's streaks, totals and average moods."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.reporting.wiring import reporting_service
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")
service = reporting_service(runtime)


@endpoint("reportingSummary", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, service.summary(request.user_id))
