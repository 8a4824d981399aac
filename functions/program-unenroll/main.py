"""DELETE /v1/programs/{programId}/enrollments/me: the caller leaves the program."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@endpoint("programUnenroll", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    programs.unenroll(request.user_id, request.params["programId"])
    return ApiResponse(204)
