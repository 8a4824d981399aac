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


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (body({**GOOD, "displayName": "A\u0000"}), "body.displayName", "must not contain NUL characters"),
        (body({**GOOD, "password": "correct horse \ud800"}), "body.password", "must be valid Unicode"),
        (body({**GOOD, "timezone": "\udfff"}), "body.timezone", "must be valid Unicode"),
        (body({**GOOD, "a\u0000": 1}), "body", "field names must not contain NUL characters"),
        # Raw bytes of a UTF-16 surrogate: json.loads decodes them with surrogatepass.
        (
            b'{"email": "a@b.co", "password": "\xed\xa0\x80xxxxxxxxxx", "displayName": "A", "timezone": "UTC"}',
            "body.password",
            "must be valid Unicode",
        ),
    ],
)
def test_strings_no_store_can_hold_are_a_400_before_anything_else(raw: bytes, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(operations.operation("authSignup"), raw, "application/json", 10_000)
    assert caught.value.code == "validation_failed"
    assert any(d["field"] == field and d["message"].startswith(message) for d in caught.value.details)


@pytest.mark.parametrize("depth", [operations.MAX_BODY_DEPTH + 1, 10_000])
def test_deeply_nested_json_is_a_400(depth: int) -> None:
    for raw in (b"[" * depth + b"]" * depth, b'{"bio": ' + b"[" * depth + b"]" * depth + b"}"):
        with pytest.raises(ValidationError) as caught:
            operations.parse_body(operations.operation("profileUpdateMine"), raw, "application/json", 100_000)
        assert caught.value.details == [
            {"field": "body", "message": f"must not nest deeper than {operations.MAX_BODY_DEPTH} levels"}
        ]


def test_user_visible_text_is_stored_in_nfc_and_counted_as_stored() -> None:
    op = operations.operation("authSignup")
    parsed = operations.parse_body(op, body({**GOOD, "displayName": "Zoe\u0308"}), "application/json", 10_000)
    assert parsed["displayName"] == "Zo\u00eb"
    # 80 decomposed letters are 160 code points, but 80 in NFC: within the limit.
    long_name = operations.parse_body(op, body({**GOOD, "displayName": "e\u0301" * 80}), "application/json", 10_000)
    assert long_name["displayName"] == "\u00e9" * 80
    tags = operations.parse_body(
        operations.operation("reflectionCreate"),
        body({"mood": 3, "text": "Cafe\u0301\nnext line", "tags": ["cafe\u0301"]}),
        "application/json",
        10_000,
    )
    assert tags == {"mood": 3, "text": "Caf\u00e9\nnext line", "tags": ["caf\u00e9"]}


@pytest.mark.parametrize(
    ("operation_id", "change", "field"),
    [
        ("authSignup", {**GOOD, "displayName": "Ada\u0007"}, "body.displayName"),
        ("profileUpdateMine", {"displayName": "\u202eadA"}, "body.displayName"),
        ("profileUpdateMine", {"bio": "zero\u200bwidth"}, "body.bio"),
        ("reflectionCreate", {"mood": 3, "text": "\x1b[2J", "tags": ["ok"]}, "body.text"),
        ("reflectionCreate", {"mood": 3, "text": "ok", "tags": ["ok", "new\nline"]}, "body.tags.1"),
        ("communityCreatePost", {"text": "hello\u2066"}, "body.text"),
        ("communityAddComment", {"text": "\ufeffhi"}, "body.text"),
        ("communityReportPost", {"reason": "spam\x08"}, "body.reason"),
    ],
)
def test_control_and_format_characters_in_user_visible_text_are_a_400(
    operation_id: str, change: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        operations.parse_body(operations.operation(operation_id), body(change), "application/json", 10_000)
    assert [d["field"] for d in caught.value.details] == [field]
    assert caught.value.details[0]["message"].startswith("must not contain invisible or control characters")


def test_parameters_no_store_can_hold() -> None:
    get_program = operations.operation("programGet")
    with pytest.raises(NotFoundError):  # a path id that cannot exist names no resource
        operations.check_parameters(get_program, {}, {"programId": "mindful-7\u0000"})
    assert operations.check_parameters(get_program, {}, {"programId": "mindful-7"}) == {"programId": "mindful-7"}
    with pytest.raises(ValidationError) as caught:
        operations.check_parameters(operations.operation("programList"), {"cursor": "abc\u0000"}, {})
    assert caught.value.details == [{"field": "query.cursor", "message": "must not contain NUL characters"}]


def test_a_query_parameter_marked_x_text_is_normalised_and_checked_too() -> None:
    search = operations.Operation(
        "search",
        "GET",
        "/v1/search",
        ({"in": "query", "name": "q", "type": "string", "x-text": "line"},),
        None,
        False,
        False,
    )
    assert operations.check_parameters(search, {"q": "Zoe\u0308"}, {}) == {"q": "Zo\u00eb"}
    with pytest.raises(ValidationError) as caught:
        operations.check_parameters(search, {"q": "Zo\u202ee"}, {})
    assert caught.value.details[0]["field"] == "query.q"
