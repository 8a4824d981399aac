"""POST /v1/me/reflections: store a reflection and `reflection.logged` in one Firestore transaction."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.reflection.wiring import reflection_service

runtime = function_runtime("firestore", "pubsub")
reflections = reflection_service(runtime)


@endpoint("reflectionCreate", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(201, reflections.create(request.user_id, request.body))
