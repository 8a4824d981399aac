"""GET /v1/programs: the catalog of programs, a page at a time."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@endpoint("programList", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, programs.list_programs(request.params["limit"], request.params.get("cursor")))
