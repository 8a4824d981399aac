"""GET /v1/auth/jwks: the public keys that verify access tokens (API Gateway fetches this)."""

from wellness.auth.wiring import signing_keys
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime()
keys = signing_keys(runtime)  # a missing keyset fails the cold start


@endpoint("authJwks", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    # API Gateway caches the JWKS for 5 minutes; so may anyone else.
    return ApiResponse(200, keys.jwks(), {"Cache-Control": "public, max-age=300"})
