"""GET /v1/programs/{programId}: one program with its daily tasks."""

from wellness.http import ApiRequest, ApiResponse, endpoint
from wellness.program.wiring import program_service
from wellness.runtime import function_runtime

runtime = function_runtime("postgres")
service = program_service(runtime)


@endpoint("programGet", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, service.get_program(request.params["programId"]))
