"""POST /v1/me/reflections: store a reflection and `reflection.logged` in one Firestore transaction."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.reflection import store
from wellness.platform.runtime import function_runtime

runtime = function_runtime("firestore", "pubsub")


@endpoint("reflectionCreate", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    created = runtime.firestore_transaction(
        lambda tx, outbox: store.create(runtime.firestore, tx, outbox, request.user_id, request.body)
    )
    return ApiResponse(201, created)
