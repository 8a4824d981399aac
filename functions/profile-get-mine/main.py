"""GET /v1/me/profile: the caller's own profile, with its ETag (send it back as If-Match when changing it)."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.profile.wiring import profile_service

runtime = function_runtime("firestore")
profiles = profile_service(runtime)


@endpoint("profileGetMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    profile, etag = profiles.mine(request.user_id)
    return ApiResponse(200, profile, {"ETag": etag})
