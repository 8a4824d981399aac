"""POST /v1/auth/login: a new session for an e-mail address and the right password."""

from wellness.auth.wiring import auth_service, signing_keys
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres")
auth = auth_service(runtime, signing_keys(runtime))


@endpoint("authLogin", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    session = auth.log_in(email=request.body["email"], password=request.body["password"], client=request.client_ip)
    return ApiResponse(200, session.to_json())
