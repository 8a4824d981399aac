"""GET /v1/auth/jwks: the public keys that verify access tokens (API Gateway fetches this)."""

from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("signing_keys")


@endpoint("authJwks", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    # API Gateway caches the JWKS for 5 minutes; so may anyone else.
    return ApiResponse(200, runtime.keyset().jwks(), {"Cache-Control": "public, max-age=300"})
