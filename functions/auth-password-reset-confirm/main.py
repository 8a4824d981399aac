"""POST /v1/auth/password-reset/confirm: a new password for a valid reset token; every session ends."""

from wellness.auth.wiring import password_reset_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "firestore")  # firestore: the ended sessions are mirrored there
resets = password_reset_service(runtime)


@endpoint("authPasswordResetConfirm", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    resets.confirm(request.body["token"], request.body["newPassword"])
    return ApiResponse(204)
