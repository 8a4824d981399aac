"""POST /v1/auth/login: a new session for an e-mail address and the right password."""

from wellness.auth.wiring import auth_service
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "signing_keys")
service = auth_service(runtime)


@endpoint("authLogin", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    session = service.log_in(email=request.body["email"], password=request.body["password"], client=request.client_ip)
    return ApiResponse(200, session.to_json())
