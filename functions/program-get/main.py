"""GET /v1/programs/{programId}: one program with its daily tasks."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@endpoint("programGet", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, programs.get_program(request.params["programId"]))
