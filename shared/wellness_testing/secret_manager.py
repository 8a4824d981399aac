"""A Secret Manager stand-in on a loopback socket, for the secrets port's contract suite.

There is no Secret Manager emulator, so the real client (google-cloud-secret-manager, its REST
transport) talks to this: the one method the library calls, `projects.secrets.versions.access`,
as Google's reference gives it:
https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access

- `GET /v1/projects/{project}/secrets/{secret}/versions/{version}:access`, `version` a number or
  `latest` (the newest version), answers `AccessSecretVersionResponse`:
  `{"name": ".../versions/N", "payload": {"data": <base64>}}` (`dataCrc32c` is optional).
- An unknown secret or version is `google.rpc.Status` as JSON with HTTP 404, status NOT_FOUND
  (https://cloud.google.com/apis/design/errors#http_mapping), which the client raises as
  `google.api_core.exceptions.NotFound`.

Usage (a socket, so an integration test's, not a unit example)::

    with SecretManagerStandIn() as standin:
        standin.add_version("p", "mail-api-key", "k1")
        secrets = SecretManagerSecrets("p", ttl_seconds=0, client_factory=standin.client)
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

_ACCESS = re.compile(r"/v1/projects/([^/]+)/secrets/([^/]+)/versions/([^/:]+):access")


class SecretManagerStandIn:
    """Secret versions in memory, served over HTTP on 127.0.0.1 until `close()`."""

    def __init__(self) -> None:
        self._versions: dict[tuple[str, str], list[bytes]] = {}
        self._lock = threading.Lock()
        self.accesses = 0  # how many access calls reached the server (the adapter's cache is visible)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def add_version(self, project: str, secret: str, value: str | bytes) -> None:
        """A new version, which `latest` then names (a rotation)."""
        data = value.encode() if isinstance(value, str) else value
        with self._lock:
            self._versions.setdefault((project, secret), []).append(data)

    def client(self) -> Any:
        """The real client, on its REST transport, pointed at this server, without credentials."""
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import secretmanager
        from google.cloud.secretmanager_v1.services.secret_manager_service.transports.rest import (
            SecretManagerServiceRestTransport,
        )

        anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]  # google-auth's own annotation gap
        transport = SecretManagerServiceRestTransport(host=self.host, credentials=anonymous, url_scheme="http")
        return secretmanager.SecretManagerServiceClient(transport=transport)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SecretManagerStandIn:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _access(self, path: str) -> tuple[int, dict[str, Any]]:
        match = _ACCESS.fullmatch(path)
        if match is None:
            return 404, _status(404, "NOT_FOUND", f"no method at {path}")
        project, secret, version = match.groups()
        with self._lock:
            self.accesses += 1
            versions = list(self._versions.get((project, secret), []))
        number = len(versions) if version == "latest" else int(version) if version.isdigit() else 0
        if not 1 <= number <= len(versions):
            name = f"projects/{project}/secrets/{secret}/versions/{version}"
            return 404, _status(404, "NOT_FOUND", f"Secret Version [{name}] not found.")
        data = base64.b64encode(versions[number - 1]).decode()
        return 200, {"name": f"projects/{project}/secrets/{secret}/versions/{number}", "payload": {"data": data}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                status, body = standin._access(self.path.split("?", 1)[0])
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass

        return Handler


def _status(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}
