"""POST /v1/programs/{programId}/enrollments: enroll the caller, starting today (409 when already enrolled)."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@endpoint("programEnroll", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(201, programs.enroll(request.user_id, request.params["programId"]))
