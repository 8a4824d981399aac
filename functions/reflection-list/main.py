"""GET /v1/me/reflections: the caller's reflections, newest first, a page at a time."""

import datetime as dt

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.reflection.wiring import reflection_service

runtime = function_runtime("firestore")
reflections = reflection_service(runtime)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None  # the contract has checked the format


@endpoint("reflectionList", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    params = request.params
    page = reflections.list_page(
        request.user_id,
        limit=params["limit"],
        cursor=params.get("cursor"),
        date_from=_day(params.get("from")),
        date_to=_day(params.get("to")),
    )
    return ApiResponse(200, page)
