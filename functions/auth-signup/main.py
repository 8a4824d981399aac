"""POST /v1/auth/signup: create an account, its first session, and `user.created`."""

from wellness.auth.wiring import auth_service, signing_keys
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "pubsub", warm_publisher=True)  # every sign-up publishes user.created
auth = auth_service(runtime, signing_keys(runtime))


@endpoint("authSignup", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    body = request.body
    session = auth.sign_up(
        email=body["email"],
        password=body["password"],
        display_name=body["displayName"],
        timezone=body["timezone"],
        client=request.client_ip,
    )
    return ApiResponse(201, session.to_json())
