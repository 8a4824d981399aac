"""GET /v1/auth/jwks: the public keys that verify access tokens (API Gateway fetches this).

It reads the secret `jwt-public-keys` only (the public halves, written with every rotation
of the signing keys): this public function holds nothing that could sign a token.
"""

from wellness.auth.wiring import public_keys
from wellness.platform.http import ApiRequest, ApiResponse, endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime()
keys = public_keys(runtime)  # read on first use: until the secret has a version, a 503


@endpoint("authJwks", runtime)
def handler(request: ApiRequest) -> ApiResponse:
    # API Gateway caches the JWKS for 5 minutes; so may anyone else.
    return ApiResponse(200, keys.jwks(), {"Cache-Control": "public, max-age=300"})
