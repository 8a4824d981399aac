"""A JWKS served over local HTTP, for what verifies tokens against a JWKS URI (PyJWT's client fetches http(s) only).

>>> with serve_jwks(lambda: {"keys": []}) as uri:
...     uri.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@contextlib.contextmanager
def serve_jwks(jwks: Callable[[], dict[str, Any]]) -> Iterator[str]:
    """Serve `jwks()` (asked again on every fetch, so a test can rotate) at the URI this yields."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
            payload = json.dumps(jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/auth/jwks"
    finally:
        server.shutdown()
        server.server_close()
