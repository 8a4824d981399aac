"""POST /v1/me/tasks/{taskId}/completions: 201 the first time, 200 with the same body after; `task.completed`."""

import datetime as dt

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres", "pubsub")
programs = program_service(runtime)


@endpoint("programCompleteTask", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    date = (request.body or {}).get("date")
    body, created = programs.complete(
        request.user_id, request.params["taskId"], dt.date.fromisoformat(date) if date else None
    )
    return ApiResponse(201 if created else 200, body)
