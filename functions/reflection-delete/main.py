"""DELETE /v1/me/reflections/{reflectionId}: delete one of the caller's own reflections."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.reflection.wiring import reflection_service

runtime = function_runtime("firestore")
reflections = reflection_service(runtime)


@endpoint("reflectionDelete", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    reflections.delete(request.user_id, request.params["reflectionId"])
    return ApiResponse(204)
