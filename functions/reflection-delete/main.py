"""DELETE /v1/me/reflections/{reflectionId}: delete one of the caller's own reflections."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.reflection import store
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("reflectionDelete", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    store.delete(runtime.firestore, request.user_id, request.params["reflectionId"])
    return ApiResponse(204)
