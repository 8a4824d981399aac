"""GET /v1/profiles/{userId}: the public part of a profile (display name and bio only)."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.profile.wiring import profile_service

runtime = function_runtime("firestore")
profiles = profile_service(runtime)


@endpoint("profileGetPublic", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, profiles.public(request.params["userId"]))
