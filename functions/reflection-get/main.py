"""GET /v1/me/reflections/{reflectionId}: one of the caller's own reflections."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.reflection import store
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("reflectionGet", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, store.get(runtime.firestore, request.user_id, request.params["reflectionId"]))
