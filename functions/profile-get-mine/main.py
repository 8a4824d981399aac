"""GET /v1/me/profile: the caller's own profile."""

from wellness.http import ApiRequest, ApiResponse, endpoint
from wellness.profile.store import get_profile
from wellness.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("profileGetMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, get_profile(runtime.firestore, request.user_id))
