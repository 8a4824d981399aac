"""POST /v1/auth/email-verification: mail the caller a new verification link (202; 409 once verified; 429)."""

from wellness.auth.wiring import email_verification_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "pubsub")
verifications = email_verification_service(runtime)


@endpoint("authResendVerification", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    verifications.resend(request.user_id, client=request.client_ip)
    return ApiResponse(202)
