"""POST /v1/auth/password-reset: mail a reset link if the address is registered; 202 either way (429 per client)."""

from wellness.auth.wiring import password_reset_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "pubsub")
resets = password_reset_service(runtime)


@endpoint("authPasswordReset", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    resets.request(request.body["email"], client=request.client_ip)
    return ApiResponse(202)
