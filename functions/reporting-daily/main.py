"""GET /v1/me/reports/daily?from=&to=: one row per local day of a bounded range, a page at a time."""

import datetime as dt

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.reporting.wiring import reporting_service

runtime = function_runtime("postgres")
reports = reporting_service(runtime)


@endpoint("reportingDaily", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    params = request.params
    first, last = dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"])
    return ApiResponse(200, reports.daily(request.user_id, first, last, params["limit"], params.get("cursor")))
