"""The local API gateway, against real HTTP backends and a real JWKS endpoint on loopback ports."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devstack.catalog import load_catalog
from devstack.gateway.render import local_values, openapi_template, render_openapi
from devstack.gateway.server import create_app, make_gateway_server
from devstack.gateway.spec import SpecError
from wellness.auth.keys import Keyset, new_keyset_json
from wellness.platform.identity import JwksVerifier

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[3]
ISSUER = "https://auth.wellness.test"
AUDIENCES = "wellness-api, wellness-admin"
APPEND = "APPEND_PATH_TO_ADDRESS"


# --- tiny real servers -----------------------------------------------------------------------------


class _EchoHandler(BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON; `.../slow` paths take 2 s."""

    protocol_version = "HTTP/1.1"  # keep-alive, so the gateway's connection pool is exercised

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = urlsplit(self.path)
        query = parse_qsl(target.query, keep_blank_values=True)
        self.server.hits.append(target.path)  # type: ignore[attr-defined]
        if target.path.endswith("/slow"):
            time.sleep(2)
        echoed = {
            "method": self.command,
            "path": target.path,
            "query": [list(pair) for pair in query],
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": base64.b64encode(body).decode(),
        }
        payload = json.dumps(echoed).encode()
        self.send_response(int(dict(query).get("status", 200)))
        for name, value in (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("X-Backend", "echo"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("Keep-Alive", "timeout=5"),
            ("Connection", "keep-alive, X-Hop"),
            ("X-Hop", "hop-only"),
        ):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _JwksHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        payload = json.dumps(self.server.jwks).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    hits: list[str]  # request paths, in order
    jwks: dict[str, Any]  # what a JWKS server answers


@contextlib.contextmanager
def _serve(handler: type[BaseHTTPRequestHandler], **state: Any) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), handler)
    server.hits = []
    for key, value in state.items():
        setattr(server, key, value)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _url(server: Any) -> str:
    return f"http://127.0.0.1:{server.server_port}"


@contextlib.contextmanager
def _gateway(spec: dict[str, Any], **options: Any) -> Iterator[str]:
    app = create_app(spec, **options)
    server = make_gateway_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield _url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        app.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- keys and tokens -------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keys:
    def __init__(self) -> None:
        self.rsa = Keyset.from_json(new_keyset_json())
        self.other_rsa = Keyset.from_json(new_keyset_json())
        self.ec = ec.generate_private_key(ec.SECP256R1())
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key()))
        ec_jwk.update({"kid": "ec-1", "alg": "ES256", "use": "sig"})
        self.jwks = {"keys": [*self.rsa.jwks()["keys"], ec_jwk]}

    @property
    def kid(self) -> str:
        return self.rsa.current.kid

    def public_pem(self) -> bytes:
        return self.rsa.current.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _claims(now: float | None = None, **changes: Any) -> dict[str, Any]:
    now = int(now if now is not None else time.time())
    claims = {"sub": "user-1", "iss": ISSUER, "aud": "wellness-api", "iat": now, "exp": now + 300, "scope": "me"}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


# --- the gateway under test -------------------------------------------------------------------------


def _spec(echo: str, jwks_uri: str, dead: str) -> dict[str, Any]:
    def public(backend: dict[str, Any]) -> dict[str, Any]:
        return {"security": [], "x-google-backend": backend}

    return {
        "swagger": "2.0",
        "info": {"title": "test", "version": "1"},
        "securityDefinitions": {
            "bearer": {
                "type": "oauth2",
                "flow": "implicit",
                "authorizationUrl": "",
                "x-google-issuer": ISSUER,
                "x-google-jwks_uri": jwks_uri,
                "x-google-audiences": AUDIENCES,
            }
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/public/{thing}": {
                "get": public({"address": echo, "path_translation": APPEND}),
                "post": public({"address": echo, "path_translation": APPEND}),
            },
            # CONSTANT_ADDRESS by default, as in API Gateway.
            "/v1/programs/{programId}/sessions/{sessionId}": {"get": public({"address": f"{echo}/fn/sessions"})},
            "/v1/me/x": {
                "get": {"x-google-backend": {"address": f"{echo}/me-x", "path_translation": "CONSTANT_ADDRESS"}}
            },
            "/v1/{who}/x": {"get": public({"address": f"{echo}/someone-x"})},
            "/v1/me/profile": {
                "get": {"x-google-backend": {"address": echo, "path_translation": APPEND}},
                "patch": {"x-google-backend": {"address": echo, "path_translation": APPEND}},
            },
            "/v1/slow": {"get": public({"address": echo, "path_translation": APPEND, "deadline": 1.0})},
            "/v1/down": {"get": public({"address": dead, "path_translation": APPEND})},
        },
    }


@pytest.fixture(scope="module")
def echo() -> Iterator[_Server]:
    with _serve(_EchoHandler) as server:
        yield server


@pytest.fixture(scope="module")
def jwks_server(keys: Keys) -> Iterator[_Server]:
    with _serve(_JwksHandler, jwks=keys.jwks) as server:
        yield server


@pytest.fixture(scope="module")
def gateway(echo: _Server, jwks_server: _Server) -> Iterator[str]:
    spec = _spec(_url(echo), f"{_url(jwks_server)}/v1/auth/jwks", f"http://127.0.0.1:{_free_port()}")
    with _gateway(spec) as url:
        yield url


@pytest.fixture(scope="module")
def client() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never through a proxy from the environment
        yield session


def _echoed(response: requests.Response) -> dict[str, Any]:
    assert response.headers["X-Backend"] == "echo", response.text
    return response.json()


def _assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "requestId"}
    assert error["code"] == code and error["details"] == [] and error["message"]
    assert error["requestId"] == response.headers["X-Request-Id"]
    return error


# --- routing and path translation -------------------------------------------------------------------


def test_append_path_forwards_the_request_path_and_query(gateway: str, client: requests.Session) -> None:
    seen = _echoed(client.get(f"{gateway}/v1/public/abc?x=1&y=two%20words"))
    assert seen["method"] == "GET"
    assert seen["path"] == "/v1/public/abc"
    assert seen["query"] == [["x", "1"], ["y", "two words"]]


def test_constant_address_sends_path_parameters_as_query(gateway: str, client: requests.Session) -> None:
    seen = _echoed(client.get(f"{gateway}/v1/programs/p%201/sessions/s2?limit=5"))
    assert seen["path"] == "/fn/sessions"
    assert seen["query"] == [["limit", "5"], ["programId", "p 1"], ["sessionId", "s2"]]


def test_literal_segments_win_over_templated_ones(gateway: str, client: requests.Session, keys: Keys) -> None:
    token = keys.rsa.sign(_claims())
    assert _echoed(client.get(f"{gateway}/v1/me/x", headers={"Authorization": f"Bearer {token}"}))["path"] == "/me-x"
    # The literal route keeps its own security: the public templated one does not catch it.
    _assert_error(client.get(f"{gateway}/v1/me/x"), 401, "unauthenticated")
    seen = _echoed(client.get(f"{gateway}/v1/ada/x"))
    assert (seen["path"], seen["query"]) == ("/someone-x", [["who", "ada"]])


def test_paths_are_normalized_before_routing(gateway: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", int(urlsplit(gateway).port or 0), timeout=5)
    try:  # http.client sends the path as written (requests would resolve the dot segments itself)
        connection.request("GET", "/v1//me/../public/abc")
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["path"] == "/v1/public/abc"
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path", ["/nope", "/v1/public", "/v1/public/", "/v1/public/abc/more", "/v1/programs//sessions/s"]
)
def test_unknown_path_is_a_json_404(gateway: str, client: requests.Session, echo: _Server, path: str) -> None:
    echo.hits.clear()
    _assert_error(client.get(gateway + path), 404, "not_found")
    assert echo.hits == []


def test_undeclared_method_is_a_json_405_with_allow(gateway: str, client: requests.Session) -> None:
    response = client.delete(f"{gateway}/v1/public/abc")
    _assert_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET, POST"
    assert client.put(f"{gateway}/v1/me/profile").headers["Allow"] == "GET, PATCH"


def test_backend_answer_passes_back_unchanged(gateway: str, client: requests.Session) -> None:
    body = '{"note": "h\u00e9llo"}'.encode() + bytes(range(256))
    response = client.post(
        f"{gateway}/v1/public/abc?status=418", data=body, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 418
    seen = _echoed(response)
    assert base64.b64decode(seen["body"]) == body
    assert seen["headers"]["content-type"] == "application/octet-stream"
    assert seen["headers"]["content-length"] == str(len(body))
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    # Hop-by-hop headers, and the ones the backend's Connection header names, stay with the hop.
    assert "Keep-Alive" not in response.headers and "X-Hop" not in response.headers
    assert response.headers["Content-Length"] == str(len(response.content))


def test_every_answer_says_nosniff(gateway: str, client: requests.Session, keys: Keys) -> None:
    """The backend's answers, and every answer the gateway gives itself (404, 405, 401, 503, 431)."""
    answers = {
        "backend": client.get(f"{gateway}/v1/public/abc"),
        "backend error": client.get(f"{gateway}/v1/public/abc?status=500"),
        "unknown path": client.get(f"{gateway}/nope"),
        "method": client.delete(f"{gateway}/v1/public/abc"),
        "token": client.get(f"{gateway}/v1/me/profile"),
        "backend down": client.get(f"{gateway}/v1/down"),
    }
    for name, response in answers.items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
    filler = b"".join(b"X-Filler-%d: 1\r\n" % i for i in range(120))
    head, _ = _raw_exchange(gateway, b"GET /v1/public/abc HTTP/1.1\r\nHost: x\r\n" + filler + b"\r\n")
    assert b"X-Content-Type-Options: nosniff" in head.split(b"\r\n")


# --- authentication ---------------------------------------------------------------------------------


def test_valid_token_reaches_the_backend_with_userinfo(gateway: str, client: requests.Session, keys: Keys) -> None:
    claims = _claims()
    token = keys.rsa.sign(claims)
    seen = _echoed(client.get(f"{gateway}/v1/me/profile", headers={"Authorization": f"Bearer {token}"}))
    headers = seen["headers"]
    assert "authorization" not in headers
    assert headers["x-forwarded-authorization"] == f"Bearer {token}"
    userinfo = headers["x-apigateway-api-userinfo"]
    assert "=" not in userinfo
    assert json.loads(_unb64(userinfo)) == claims


def test_es256_tokens_are_accepted(gateway: str, client: requests.Session, keys: Keys) -> None:
    claims = _claims(sub="user-ec")
    token = jwt.encode(claims, keys.ec, algorithm="ES256", headers={"kid": "ec-1"})
    seen = _echoed(
        client.patch(f"{gateway}/v1/me/profile", json={"bio": "x"}, headers={"Authorization": f"Bearer {token}"})
    )
    assert json.loads(_unb64(seen["headers"]["x-apigateway-api-userinfo"]))["sub"] == "user-ec"
    assert seen["method"] == "PATCH"


def test_clock_skew_of_60_seconds_is_tolerated(gateway: str, client: requests.Session, keys: Keys) -> None:
    now = int(time.time())
    for claims in (_claims(exp=now - 30), _claims(nbf=now + 30)):
        response = client.get(f"{gateway}/v1/me/profile", headers={"Authorization": f"Bearer {keys.rsa.sign(claims)}"})
        assert response.status_code == 200, response.text


def test_spoofed_identity_headers_are_stripped(gateway: str, client: requests.Session, keys: Keys) -> None:
    forged = _b64(json.dumps({"sub": "admin"}).encode())
    spoof = {"X-Apigateway-Api-Userinfo": forged, "X-Forwarded-Authorization": "Bearer forged"}
    public = _echoed(client.get(f"{gateway}/v1/public/abc", headers=spoof))["headers"]
    assert "x-apigateway-api-userinfo" not in public
    assert "x-forwarded-authorization" not in public
    claims = _claims()
    token = keys.rsa.sign(claims)
    protected = _echoed(client.get(f"{gateway}/v1/me/profile", headers={**spoof, "Authorization": f"Bearer {token}"}))
    assert json.loads(_unb64(protected["headers"]["x-apigateway-api-userinfo"])) == claims
    assert protected["headers"]["x-forwarded-authorization"] == f"Bearer {token}"


def test_client_authorization_is_never_forwarded_as_is(gateway: str, client: requests.Session) -> None:
    # In the cloud, Authorization carries the gateway's own identity token to the private function.
    headers = _echoed(client.get(f"{gateway}/v1/public/abc", headers={"Authorization": "Bearer opaque"}))["headers"]
    assert "authorization" not in headers
    assert headers["x-forwarded-authorization"] == "Bearer opaque"
    assert "x-apigateway-api-userinfo" not in headers  # public routes verify nothing


def _raw_exchange(gateway: str, request: bytes) -> tuple[bytes, bytes]:
    with socket.create_connection(("127.0.0.1", int(urlsplit(gateway).port or 0)), timeout=5) as sock:
        sock.sendall(request)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    return head, body


def test_gateway_errors_to_head_requests_have_no_body(gateway: str) -> None:
    head, body = _raw_exchange(gateway, b"HEAD /nope HTTP/1.1\r\nHost: x\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ")
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert body == b""


def _bad_tokens(keys: Keys) -> dict[str, str | None]:
    now = int(time.time())
    good = keys.rsa.sign(_claims())
    head, _, signature = good.split(".")
    hs_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": keys.kid}, _claims()).encode()
    hs_signature = _b64(hmac.new(keys.public_pem(), hs_input, hashlib.sha256).digest())
    return {
        "no token": None,
        "not bearer": f"Basic {base64.b64encode(b'user:pass').decode()}",
        "empty bearer": "Bearer ",
        "garbage": "Bearer not.a.jwt",
        "another key, same kid": "Bearer "
        + jwt.encode(_claims(), keys.other_rsa.current.private_key, algorithm="RS256", headers={"kid": keys.kid}),
        "unknown kid": f"Bearer {keys.other_rsa.sign(_claims())}",
        "tampered payload": f"Bearer {head}.{_b64(json.dumps(_claims(sub='admin')).encode())}.{signature}",
        "alg none": f"Bearer {_unsigned({'alg': 'none', 'typ': 'JWT', 'kid': keys.kid}, _claims())}.",
        "HS256 with the public key": f"Bearer {hs_input.decode()}.{hs_signature}",
        "expired": f"Bearer {keys.rsa.sign(_claims(iat=now - 600, exp=now - 120))}",
        "not yet valid": f"Bearer {keys.rsa.sign(_claims(nbf=now + 120))}",
        "no exp": f"Bearer {keys.rsa.sign(_claims(exp=None))}",
        "wrong issuer": f"Bearer {keys.rsa.sign(_claims(iss='https://evil.test'))}",
        "wrong audience": f"Bearer {keys.rsa.sign(_claims(aud='someone-else'))}",
        # RFC 8725 §3.1: a key verifies its own algorithm only (real signatures, the other key's kid).
        "ES256 over the RSA key": "Bearer "
        + jwt.encode(_claims(), keys.ec, algorithm="ES256", headers={"kid": keys.kid}),
        "RS256 over the EC key": "Bearer "
        + jwt.encode(_claims(), keys.rsa.current.private_key, algorithm="RS256", headers={"kid": "ec-1"}),
    }


BAD_TOKEN_CASES = [
    "no token",
    "not bearer",
    "empty bearer",
    "garbage",
    "another key, same kid",
    "unknown kid",
    "tampered payload",
    "alg none",
    "HS256 with the public key",
    "expired",
    "not yet valid",
    "no exp",
    "wrong issuer",
    "wrong audience",
    "ES256 over the RSA key",
    "RS256 over the EC key",
]


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
def test_bad_tokens_are_401_and_never_forwarded(
    gateway: str, client: requests.Session, echo: _Server, keys: Keys, case: str
) -> None:
    authorization = _bad_tokens(keys)[case]
    echo.hits.clear()
    response = client.get(f"{gateway}/v1/me/profile", headers={"Authorization": authorization} if authorization else {})
    _assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert echo.hits == []


def test_jwks_endpoint_down_is_401(echo: _Server, keys: Keys, client: requests.Session) -> None:
    dead = f"http://127.0.0.1:{_free_port()}"
    with _gateway(_spec(_url(echo), f"{dead}/v1/auth/jwks", dead)) as url:
        echo.hits.clear()
        response = client.get(f"{url}/v1/me/profile", headers={"Authorization": f"Bearer {keys.rsa.sign(_claims())}"})
    _assert_error(response, 401, "unauthenticated")
    assert echo.hits == []


def test_jwks_is_cached_and_refetched_for_an_unknown_key_after_the_cooldown(echo: _Server, keys: Keys) -> None:
    # The production values are 300 s and 30 s; short ones keep the test quick with the same sequence.
    rotated = Keyset.from_json(new_keyset_json())
    cache, cooldown = 2.0, 0.5
    with _serve(_JwksHandler, jwks=keys.rsa.jwks()) as jwks, requests.Session() as client:
        client.trust_env = False
        spec = _spec(_url(echo), _url(jwks), _url(echo))
        with _gateway(spec, jwks_cache_seconds=cache, jwks_cooldown_seconds=cooldown) as url:

            def status(keyset: Keyset, after: float = 0.0) -> int:
                time.sleep(after)
                token = keyset.sign(_claims())
                return client.get(f"{url}/v1/me/profile", headers={"Authorization": f"Bearer {token}"}).status_code

            assert (status(keys.rsa), status(keys.rsa), len(jwks.hits)) == (200, 200, 1)
            jwks.jwks = {"keys": [*rotated.jwks()["keys"], *keys.rsa.jwks()["keys"]]}  # a rotation
            assert (status(rotated, after=cooldown + 0.1), len(jwks.hits)) == (200, 2)  # unknown kid: refetched
            assert (status(keys.other_rsa), len(jwks.hits)) == (401, 2)  # again within the cooldown: not refetched
            assert (status(keys.other_rsa, after=cooldown + 0.1), len(jwks.hits)) == (401, 3)
            assert (status(rotated), len(jwks.hits)) == (200, 3)  # cached
            assert (status(rotated, after=cache + 0.1), len(jwks.hits)) == (200, 4)  # expired, fetched again


# --- backend failures and gateway errors ------------------------------------------------------------


def test_backend_down_is_503(gateway: str, client: requests.Session) -> None:
    _assert_error(client.get(f"{gateway}/v1/down"), 503, "backend_unavailable")


class _DropsFirstHandler(BaseHTTPRequestHandler):
    """Closes the first connection without a word (a kept-alive connection the backend just closed), then answers."""

    def do_POST(self) -> None:
        server: Any = self.server
        server.hits.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if len(server.hits) == 1:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.send_response(201)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_connection_reset_before_the_answer_is_retried_once_like_api_gateway(
    client: requests.Session, capfd: pytest.CaptureFixture[str]
) -> None:
    with _serve(_DropsFirstHandler) as flaky:
        spec = _spec(_url(flaky), "http://127.0.0.1:1/jwks", f"http://127.0.0.1:{_free_port()}")
        with _gateway(spec) as url:
            response = client.post(f"{url}/v1/public/thing", json={"a": 1})
    assert response.status_code == 201, response.text
    assert flaky.hits == ["/v1/public/thing", "/v1/public/thing"]  # once reset, once answered
    assert "retrying once" in capfd.readouterr().err


def test_a_backend_that_refuses_twice_is_503_after_one_retry(
    gateway: str, client: requests.Session, capfd: pytest.CaptureFixture[str]
) -> None:
    _assert_error(client.get(f"{gateway}/v1/down"), 503, "backend_unavailable")
    retries = re.findall(r"GET \S+/v1/down: (\w+); retrying once", capfd.readouterr().err)
    # Two attempts, each refused at once (a ConnectionError, not a ConnectTimeout waited out).
    assert retries == ["ConnectionError"]


def test_backend_past_its_deadline_is_504(gateway: str, client: requests.Session, echo: _Server) -> None:
    before = echo.hits.count("/v1/slow")
    # The backend answers after 2 s: a 504 means the gateway gave up at the operation's 1 s deadline.
    _assert_error(client.get(f"{gateway}/v1/slow"), 504, "backend_timeout")
    assert echo.hits.count("/v1/slow") == before + 1  # a timeout is not retried (only a failed connection is)


def test_unexpected_failure_is_a_json_502_logged_to_stderr(
    echo: _Server,
    jwks_server: _Server,
    keys: Keys,
    client: requests.Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from devstack.gateway.auth import Authenticator

    def broken(self: Authenticator, token: str, provider: Any) -> str:
        raise RuntimeError("clock is broken")

    monkeypatch.setattr(Authenticator, "verify", broken)
    spec = _spec(_url(echo), _url(jwks_server), _url(echo))
    with _gateway(spec) as url:
        response = client.get(f"{url}/v1/me/profile", headers={"Authorization": f"Bearer {keys.rsa.sign(_claims())}"})
    error = _assert_error(response, 502, "gateway_error")
    assert "clock is broken" not in response.text and "Traceback" not in error["message"]
    assert "RuntimeError: clock is broken" in capsys.readouterr().err


def test_requests_too_malformed_for_the_app_still_get_a_json_error(gateway: str) -> None:
    headers = b"".join(b"X-Filler-%d: 1\r\n" % i for i in range(120))  # http.server allows 100
    head, body = _raw_exchange(gateway, b"GET /v1/public/abc HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert head.startswith(b"HTTP/1.1 431 ")
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert json.loads(body)["error"]["code"] == "request_header_fields_too_large"


def test_one_log_line_per_request_without_the_token(
    gateway: str, client: requests.Session, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    token = keys.rsa.sign(_claims())
    capsys.readouterr()
    client.get(f"{gateway}/v1/me/profile?access_token=secret-in-query", headers={"Authorization": f"Bearer {token}"})
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("gateway ")]
    assert len(lines) == 1
    assert re.match(
        r"gateway GET /v1/me/profile 200 \d+\.\dms backend=http://127\.0\.0\.1:\d+/v1/me/profile ", lines[0]
    )
    assert token not in lines[0] and "secret-in-query" not in lines[0]


# --- request id, tracing, forwarding headers --------------------------------------------------------


def test_request_id_is_generated_when_absent(gateway: str, client: requests.Session) -> None:
    response = client.get(f"{gateway}/v1/public/abc")
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert _echoed(response)["headers"]["x-request-id"] == request_id


def test_request_id_is_preserved(gateway: str, client: requests.Session) -> None:
    response = client.get(f"{gateway}/v1/public/abc", headers={"X-Request-Id": "client-42"})
    assert response.headers["X-Request-Id"] == "client-42"
    assert _echoed(response)["headers"]["x-request-id"] == "client-42"
    error = _assert_error(client.get(f"{gateway}/nope", headers={"X-Request-Id": "client-43"}), 404, "not_found")
    assert error["requestId"] == "client-43"


def test_trace_is_started_when_absent(gateway: str, client: requests.Session) -> None:
    headers = _echoed(client.get(f"{gateway}/v1/public/abc"))["headers"]
    match = re.fullmatch(r"00-([0-9a-f]{32})-([0-9a-f]{16})-01", headers["traceparent"])
    assert match
    trace, span = match.groups()
    assert headers["x-cloud-trace-context"] == f"{trace}/{int(span, 16)};o=1"


@pytest.mark.parametrize(
    ("sent", "absent"),
    [
        ({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, "x-cloud-trace-context"),
        ({"X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1"}, "traceparent"),
    ],
)
def test_incoming_trace_is_forwarded_untouched(
    gateway: str, client: requests.Session, sent: dict[str, str], absent: str
) -> None:
    headers = _echoed(client.get(f"{gateway}/v1/public/abc", headers=sent))["headers"]
    for name, value in sent.items():
        assert headers[name.lower()] == value
    assert absent not in headers


def test_forwarded_for_and_proto_are_added(gateway: str, client: requests.Session, echo: _Server) -> None:
    assert _echoed(client.get(f"{gateway}/v1/public/abc"))["headers"]["x-forwarded-for"] == "127.0.0.1"
    headers = _echoed(client.get(f"{gateway}/v1/public/abc", headers={"X-Forwarded-For": "203.0.113.7"}))["headers"]
    assert headers["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["host"] == f"127.0.0.1:{echo.server_port}"  # the backend's own host, as in the cloud


# --- the real contract, the spec checks, the CLI ----------------------------------------------------


def test_serves_the_rendered_contract(
    echo: _Server, jwks_server: _Server, keys: Keys, client: requests.Session
) -> None:
    urls = {"auth-jwks": _url(jwks_server), "profile-get-mine": _url(echo), "profile-update-mine": _url(echo)}
    values = local_values(load_catalog(), urls, ISSUER, "wellness-api")
    spec = yaml.safe_load(render_openapi(openapi_template(), values))
    with _gateway(spec) as url:
        assert client.get(f"{url}/v1/auth/jwks").json() == keys.jwks
        token = keys.rsa.sign(_claims())
        seen = _echoed(client.get(f"{url}/v1/me/profile", headers={"Authorization": f"Bearer {token}"}))
        assert seen["path"] == "/v1/me/profile"
        assert json.loads(_unb64(seen["headers"]["x-apigateway-api-userinfo"]))["sub"] == "user-1"
        _assert_error(client.get(f"{url}/v1/me/profile"), 401, "unauthenticated")
        _assert_error(client.post(f"{url}/v1/auth/login", json={}), 503, "backend_unavailable")  # not running


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["paths"]["/v1/down"]["get"].pop("x-google-backend"),
        lambda s: s["paths"]["/v1/down"]["get"]["x-google-backend"].update(path_translation="SOMETHING"),
        lambda s: s["securityDefinitions"]["bearer"].pop("x-google-audiences"),
        lambda s: s["paths"]["/v1/me/x"]["get"].update(security=[{"apiKey": []}]),
    ],
)
def test_documents_it_cannot_serve_are_refused_at_start(change: Callable[[dict[str, Any]], Any]) -> None:
    spec = _spec("http://127.0.0.1:1", "http://127.0.0.1:1/jwks", "http://127.0.0.1:1")
    change(spec)
    with pytest.raises(SpecError):
        create_app(spec)


def test_cli_serves_and_exits_cleanly_on_sigterm(echo: _Server, jwks_server: _Server, tmp_path: Path) -> None:
    spec_file = tmp_path / "openapi.rendered.yaml"
    spec_file.write_text(yaml.safe_dump(_spec(_url(echo), _url(jwks_server), _url(echo))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(REPO_ROOT / d) for d in ("scripts", "shared"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.gateway.server", "--spec", str(spec_file), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = re.fullmatch(r"gateway listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        with requests.Session() as client:
            client.trust_env = False
            assert _echoed(client.get(f"{match.group(1)}/v1/public/abc"))["path"] == "/v1/public/abc"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
        assert re.search(r"gateway GET /v1/public/abc 200 ", stderr)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_a_verifier_binds_each_key_to_its_own_algorithm(jwks_server: _Server, keys: Keys) -> None:
    """ES256 named over an RSA key used to reach PyJWT's EC code with an RSA key (TypeError: a 502)."""
    verifier = JwksVerifier(f"{_url(jwks_server)}/v1/auth/jwks", issuer=ISSUER, audiences=("wellness-api",))
    assert verifier.verify(keys.rsa.sign(_claims()))["sub"] == "user-1"
    assert verifier.verify(jwt.encode(_claims(), keys.ec, algorithm="ES256", headers={"kid": "ec-1"}))["sub"]
    for forged in (
        jwt.encode(_claims(), keys.ec, algorithm="ES256", headers={"kid": keys.kid}),
        jwt.encode(_claims(), keys.rsa.current.private_key, algorithm="RS256", headers={"kid": "ec-1"}),
    ):
        with pytest.raises(jwt.InvalidAlgorithmError):
            verifier.verify(forged)


def test_whatever_the_verifier_raises_on_a_token_is_a_401(
    echo: _Server, jwks_server: _Server, keys: Keys, client: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def confused(self: JwksVerifier, token: str) -> dict[str, Any]:
        raise TypeError("Expecting a EllipticCurvePrivateKey/EllipticCurvePublicKey")  # as PyJWT did

    monkeypatch.setattr(JwksVerifier, "verify", confused)
    with _gateway(_spec(_url(echo), _url(jwks_server), _url(echo))) as url:
        echo.hits.clear()
        response = client.get(f"{url}/v1/me/profile", headers={"Authorization": f"Bearer {keys.rsa.sign(_claims())}"})
    _assert_error(response, 401, "unauthenticated")
    assert echo.hits == []
