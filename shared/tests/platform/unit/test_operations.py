"""The contract is the validator: bodies, queries and path parameters checked against openapi.yaml."""

import json

import pytest

from wellness.platform import operations
from wellness.platform.errors import NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError

pytestmark = pytest.mark.unit

GOOD = {
    "email": "ada@example.com",
    "password": "correct horse battery",
    "displayName": "Ada",
    "timezone": "Europe/London",
}


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_operation_is_indexed_from_the_contract() -> None:
    op = operations.operation("authSignup")
    assert (op.method, op.path, op.secured) == ("POST", "/v1/auth/signup", False)
    assert operations.operation("profileGetMine").secured is True


def test_unknown_operation_fails_loudly() -> None:
    with pytest.raises(KeyError, match="nope"):
        operations.operation("nope")


def test_valid_body_passes_unchanged() -> None:
    op = operations.operation("authSignup")
    assert operations.parse_body(op, body(GOOD), "application/json", 10_000) == GOOD


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": 5}, "body.email", "must be of type string"),
        ({"password": "short"}, "body.password", "must be at least 10 characters"),
        ({"role": "admin"}, "body", "unknown field(s): role"),
        ({"displayName": "   "}, "body.displayName", "has an invalid format"),
    ],
)
def test_invalid_body_names_the_field_and_never_echoes_the_value(change: dict, field: str, message: str) -> None:
    op = operations.operation("authSignup")
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(op, body({**GOOD, **change}), "application/json", 10_000)
    assert {"field": field, "message": message} in caught.value.details
    assert "short" not in json.dumps(caught.value.details)


def test_missing_field_is_required() -> None:
    op = operations.operation("authSignup")
    partial = {k: v for k, v in GOOD.items() if k != "timezone"}
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(op, body(partial), "application/json", 10_000)
    assert caught.value.details == [{"field": "body.timezone", "message": "is required"}]


def test_malformed_json_empty_body_wrong_media_type_and_size() -> None:
    op = operations.operation("authSignup")
    with pytest.raises(ValidationError, match="not valid JSON"):
        operations.parse_body(op, b"{nope", "application/json", 10_000)
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(op, b"", "application/json", 10_000)
    assert caught.value.code == "body_required"
    with pytest.raises(UnsupportedMediaTypeError):
        operations.parse_body(op, body(GOOD), "text/plain", 10_000)
    with pytest.raises(PayloadTooLargeError):
        operations.parse_body(op, b"x" * 101, "application/json", 100)


def test_a_top_level_array_is_not_an_object() -> None:
    op = operations.operation("profileUpdateMine")
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(op, b"[]", "application/json", 10_000)
    assert caught.value.details[0]["message"] == "must be of type object"


def test_empty_patch_is_rejected() -> None:
    op = operations.operation("profileUpdateMine")
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(op, b"{}", "application/json", 10_000)
    assert caught.value.details[0]["message"] == "must have at least 1 field"


def test_path_matching_and_parameters() -> None:
    op = operations.Operation(
        "x",
        "GET",
        "/v1/programs/{programId}",
        (
            {"in": "path", "name": "programId", "required": True, "type": "string", "maxLength": 5},
            {"in": "query", "name": "limit", "type": "integer", "minimum": 1, "maximum": 50, "default": 20},
        ),
        None,
        False,
        True,
    )
    assert op.match_path("/v1/programs/abc") == {"programId": "abc"}
    assert op.match_path("/v1/programs/abc/extra") is None
    assert operations.check_parameters(op, {}, {"programId": "abc"}) == {"programId": "abc", "limit": 20}
    # CONSTANT_ADDRESS: the gateway passes path parameters as query parameters.
    assert operations.check_parameters(op, {"programId": "abc", "limit": "5"}, {})["limit"] == 5
    with pytest.raises(ValidationError) as caught:
        operations.check_parameters(op, {"limit": "many"}, {"programId": "abc"})
    assert [d["field"] for d in caught.value.details] == ["query.limit"]
    # An id that breaks the contract names nothing: 404, like an id that does not exist.
    with pytest.raises(NotFoundError):
        operations.check_parameters(op, {}, {"programId": "abcdefg"})


@pytest.mark.parametrize("email", ["þ¢@v\x87.\x08°o", "a@b", "a b@c.de", "a@@c.de", "@c.de", "a@c.d", "a.@c.de"])
def test_email_format_is_enforced(email: str) -> None:
    op = operations.operation("authSignup")
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(op, body({**GOOD, "email": email}), "application/json", 10_000)
    assert {"field": "body.email", "message": "must be a valid email"} in caught.value.details


@pytest.mark.parametrize("email", ["ada@example.com", "ada.lovelace+app@mail.example.co.uk", "o'neil@x.io"])
def test_ordinary_emails_pass(email: str) -> None:
    op = operations.operation("authSignup")
    assert operations.parse_body(op, body({**GOOD, "email": email}), "application/json", 10_000)["email"] == email
