"""GET /v1/me/reflections/{reflectionId}: one of the caller's own reflections."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.reflection.wiring import reflection_service

runtime = function_runtime("firestore")
reflections = reflection_service(runtime)


@endpoint("reflectionGet", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, reflections.get(request.user_id, request.params["reflectionId"]))
