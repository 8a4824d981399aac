"""POST /v1/auth/logout: end the caller's session (the refresh-token family of the access token's `sid`)."""

from wellness.auth.wiring import auth_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "firestore")  # firestore: the ended session is mirrored there
auth = auth_service(runtime)  # signs nothing: no signing keys


@endpoint("authLogout", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    assert request.caller is not None  # a protected operation: the endpoint frame guarantees a caller
    auth.log_out(request.caller.claims.get("sid"))
    return ApiResponse(204)
