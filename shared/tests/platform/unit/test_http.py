"""The endpoint decorator: request ids, contract checks, identity and error mapping."""

import io
import json
from typing import Any

import flask
import pytest

from wellness.platform import logs
from wellness.platform.config import load_settings
from wellness.platform.errors import ConflictError
from wellness.platform.http import ApiRequest, ApiResponse, endpoint, job
from wellness.platform.identity import userinfo_header
from wellness.platform.runtime import Runtime

pytestmark = pytest.mark.unit

RUNTIME = Runtime(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit", "MAX_BODY_BYTES": "2048"}))
APP = flask.Flask(__name__)
SIGNUP = {"email": "ada@example.com", "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}


def call(
    serve: Any,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    content_type: str = "application/json",
) -> flask.Response:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    with APP.test_request_context(path, method=method, data=data, headers=headers or {}, content_type=content_type):
        response: flask.Response = serve(flask.request)
        return response


@endpoint("authSignup", RUNTIME)
def signup(request: ApiRequest) -> ApiResponse:
    if request.body["email"] == "taken@example.com":
        raise ConflictError("email_taken", "Taken.")
    if request.body["email"] == "boom@example.com":
        raise RuntimeError("secret internals")
    return ApiResponse(201, {"echo": request.body["email"]})


@endpoint("profileGetMine", RUNTIME)
def profile(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"userId": request.user_id})


def error_of(response: flask.Response) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details", "requestId"}
    assert body["error"]["requestId"] == response.headers["X-Request-Id"]
    return dict(body["error"])


def test_success_carries_a_request_id() -> None:
    response = call(signup, "POST", "/v1/auth/signup", SIGNUP)
    assert response.status_code == 201
    assert response.get_json() == {"echo": "ada@example.com"}
    assert len(response.headers["X-Request-Id"]) == 32


def test_a_well_formed_incoming_request_id_is_kept() -> None:
    response = call(signup, "POST", "/v1/auth/signup", SIGNUP, headers={"X-Request-Id": "req-12345678"})
    assert response.headers["X-Request-Id"] == "req-12345678"
    for junk in ("has space", "x" * 129):
        replaced = call(signup, "POST", "/v1/auth/signup", SIGNUP, headers={"X-Request-Id": junk})
        assert replaced.headers["X-Request-Id"] != junk


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"raw": b"{not json"}, 400, "malformed_json"),
        ({"body": {**SIGNUP, "email": 12}}, 400, "validation_failed"),
        ({"body": {**SIGNUP, "isAdmin": True}}, 400, "validation_failed"),
        ({"raw": b'{"a":"' + b"x" * 5000 + b'"}'}, 413, "payload_too_large"),
        ({"body": SIGNUP, "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"body": {**SIGNUP, "email": "taken@example.com"}}, 409, "email_taken"),
    ],
)
def test_bad_input_is_a_4xx_with_the_error_body(kwargs: dict[str, Any], status: int, code: str) -> None:
    response = call(signup, "POST", "/v1/auth/signup", **kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_unexpected_error_is_a_plain_500_and_the_traceback_is_only_logged() -> None:
    stream = io.StringIO()
    logs.configure("unit", stream=stream)
    try:
        response = call(signup, "POST", "/v1/auth/signup", {**SIGNUP, "email": "boom@example.com"})
    finally:
        logs.configure("unit")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal" and "secret internals" not in response.get_data(as_text=True)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    crash = next(line for line in lines if line["message"].startswith("unhandled error"))
    assert "secret internals" in crash["stack_trace"]
    assert crash["requestId"] == error["requestId"]
    access = next(line for line in lines if "httpRequest" in line)
    assert access["httpRequest"]["status"] == 500 and access["severity"] == "ERROR"


def test_wrong_method_and_wrong_path() -> None:
    wrong_method = call(signup, "GET", "/v1/auth/signup")
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"
    assert call(signup, "POST", "/v1/other", SIGNUP).status_code == 404


def test_protected_operation_reads_the_gateway_identity() -> None:
    assert call(profile, "GET", "/v1/me/profile", headers=userinfo_header({"sub": "user-7"})).get_json() == {
        "userId": "user-7"
    }
    anonymous = call(profile, "GET", "/v1/me/profile")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert error_of(anonymous)["code"] == "unauthenticated"


def test_job_runs_on_post_only() -> None:
    @job(RUNTIME)
    def relay() -> dict[str, int]:
        return {"published": 3}

    assert call(relay, "POST", "/", {}).get_json() == {"published": 3}
    assert call(relay, "GET", "/").status_code == 405


def test_an_empty_answer_is_still_labelled_as_the_contract_says() -> None:
    @endpoint("authSignup", RUNTIME)
    def no_content(request: ApiRequest) -> ApiResponse:
        return ApiResponse(204)

    response = call(no_content, "POST", "/v1/auth/signup", SIGNUP)
    assert response.status_code == 204 and response.headers["Content-Type"] == "application/json"
    assert response.get_data() == b""
