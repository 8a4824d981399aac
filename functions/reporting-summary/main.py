"""GET /v1/me/reports/summary: the caller's streaks, totals and average moods."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.reporting.wiring import reporting_service

runtime = function_runtime("postgres")
reports = reporting_service(runtime)


@endpoint("reportingSummary", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, reports.summary(request.user_id))
