"""POST /v1/programs/{programId}/enrollments: enroll the caller, starting today (409 when already enrolled)."""

from wellness.http import ApiRequest, ApiResponse, endpoint
from wellness.program.wiring import program_service
from wellness.runtime import function_runtime

runtime = function_runtime("postgres")
service = program_service(runtime)


@endpoint("programEnroll", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(201, service.enroll(request.user_id, request.params["programId"]))
