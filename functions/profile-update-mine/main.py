"""PATCH /v1/me/profile: change the caller's display name, time zone or bio; publishes `profile.updated`.

With If-Match (the ETag of the profile as last read), a profile changed since is a 412.
"""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime
from wellness.profile.wiring import profile_service

runtime = function_runtime("firestore", "pubsub")
profiles = profile_service(runtime)


@endpoint("profileUpdateMine", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    profile, etag = profiles.update(request.user_id, request.body, if_match=request.headers.get("If-Match"))
    return ApiResponse(200, profile, {"ETag": etag})
