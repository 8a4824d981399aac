"""GET /v1/me/enrollments: the caller's enrollments, a page at a time."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@endpoint("programListMyEnrollments", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(
        200, programs.enrollments(request.user_id, request.params["limit"], request.params.get("cursor"))
    )
