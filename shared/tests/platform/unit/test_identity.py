import base64
import json

import pytest

from wellness.platform.errors import UnauthenticatedError
from wellness.platform.identity import caller_from_headers, userinfo_header

pytestmark = pytest.mark.unit


def userinfo(claims: object) -> str:
    """Encoded as API Gateway does, for any JSON value (userinfo_header takes claims only)."""
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()


def test_claims_from_unpadded_base64url() -> None:
    header = userinfo_header({"sub": "user-1", "aud": "a"})
    assert "=" not in header["X-Apigateway-Api-Userinfo"]
    caller = caller_from_headers(header)
    assert caller.user_id == "user-1"
    assert caller.claims["aud"] == "a"


@pytest.mark.parametrize("raw", [None, "", "%%%", userinfo(["sub"]), userinfo({"sub": ""}), userinfo({"x": 1})])
def test_missing_or_unusable_identity_is_401(raw: str | None) -> None:
    headers = {} if raw is None else {"X-Apigateway-Api-Userinfo": raw}
    with pytest.raises(UnauthenticatedError):
        caller_from_headers(headers)
