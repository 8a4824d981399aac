"""GET /v1/profiles/{userId}: the public part of a profile (display name and bio only)."""

from wellness.http import ApiRequest, ApiResponse, endpoint
from wellness.profile.store import get_public_profile
from wellness.runtime import function_runtime

runtime = function_runtime("firestore")


@endpoint("profileGetPublic", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, get_public_profile(runtime.firestore, request.params["userId"]))
