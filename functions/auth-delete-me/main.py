"""DELETE /v1/me: delete the caller's account and sessions; `user.deleted` tells every domain to erase."""

from wellness.auth.wiring import auth_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "firestore", "pubsub")  # firestore: the dead tokens are mirrored there
auth = auth_service(runtime)  # signs nothing: no signing keys


@endpoint("authDeleteMe", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    auth.delete_account(request.user_id)
    return ApiResponse(204)
