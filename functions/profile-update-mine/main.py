"""PATCH /v1/me/profile: change the caller's display name, time zone or bio."""

from wellness.http import ApiRequest, ApiResponse, endpoint
from wellness.profile.store import update_profile
from wellness.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("profileUpdateMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, update_profile(runtime.firestore, request.user_id, request.body))
