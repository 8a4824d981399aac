"""POST /v1/auth/refresh: rotate a refresh token into a new session pair (reuse ends the session)."""

from wellness.auth.wiring import auth_service, signing_keys
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "firestore")  # firestore: a reuse ends the session there too
auth = auth_service(runtime, signing_keys(runtime))


@endpoint("authRefresh", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, auth.refresh(request.body["refreshToken"]).to_json())
