"""POST /v1/auth/email-verification/confirm: the mailed link's token proves the address; 204."""

from wellness.auth.wiring import email_verification_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")
verifications = email_verification_service(runtime)


@endpoint("authVerifyEmail", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    verifications.confirm(request.body["token"])
    return ApiResponse(204)
