"""GET /v1/me/reflections: the caller's reflections, newest first, a page at a time."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.reflection import store
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("reflectionList", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    params = request.params
    page = store.list_page(
        runtime.firestore, request.user_id, limit=params["limit"], cursor=params.get("cursor"),
        date_from=params.get("from"), date_to=params.get("to"),
    )  # fmt: skip
    return ApiResponse(200, page)
