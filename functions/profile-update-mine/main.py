"""PATCH /v1/me/profile: change the caller's display name, time zone or bio; publishes `profile.updated`."""

from wellness.http import ApiRequest, ApiResponse, endpoint
from wellness.profile.store import update_profile
from wellness.runtime import function_runtime

runtime = function_runtime("firestore", "pubsub")


@endpoint("profileUpdateMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    updated = runtime.firestore_transaction(
        lambda tx, outbox: update_profile(runtime.firestore, tx, outbox, request.user_id, request.body)
    )
    return ApiResponse(200, updated)
