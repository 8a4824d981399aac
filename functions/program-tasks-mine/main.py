"""GET /v1/me/tasks?date=: the tasks due that local day for each of the caller's enrollments."""

import datetime as dt

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@endpoint("programTasksMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    date = request.params.get("date")
    return ApiResponse(200, programs.tasks_on(request.user_id, dt.date.fromisoformat(date) if date else None))
