"""The functional tier's header check fails a function that sends a header its response does not declare.

`load_function` wraps every HTTP function's test client with `checking_client`; here the same
wrapper is put on a small Flask app serving one of the contract's paths, so the check itself is
shown to fail (and to pass) without starting the function's stores.
"""

import flask
import pytest
from flask.testing import FlaskClient

from wellness_testing.contract_headers import checking_client

pytestmark = pytest.mark.unit


def app_answering(status: int, headers: dict[str, str]) -> flask.Flask:
    app = flask.Flask("probe")
    app.test_client_class = checking_client(FlaskClient)

    @app.get("/v1/me/profile")
    def profile() -> flask.Response:
        return flask.Response("{}", status=status, headers=headers, content_type="application/json")

    return app


def test_a_header_the_response_does_not_declare_fails_the_request() -> None:
    client = app_answering(200, {"ETag": '"3"', "X-Request-Id": "r", "X-Surprise": "1"}).test_client()
    with pytest.raises(AssertionError, match=r"GET /v1/me/profile answered 200 with \['X-Surprise'\]"):
        client.get("/v1/me/profile")


def test_declared_and_http_headers_pass() -> None:
    headers = {"ETag": '"3"', "X-Request-Id": "r", "X-Trace-Id": "t", "Cache-Control": "no-store"}
    assert app_answering(200, headers).test_client().get("/v1/me/profile").status_code == 200


def test_a_header_declared_for_another_status_is_not_enough() -> None:
    # profileGetMine's 404 is the shared NotFound: it declares no ETag.
    client = app_answering(404, {"ETag": '"3"'}).test_client()
    with pytest.raises(AssertionError, match="ETag"):
        client.get("/v1/me/profile")
