"""GET /v1/me/profile: the caller's own profile."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.profile.wiring import profile_service

runtime = function_runtime("firestore")
profiles = profile_service(runtime)


@endpoint("profileGetMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, profiles.mine(request.user_id))
