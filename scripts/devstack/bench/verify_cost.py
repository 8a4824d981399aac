"""What VERIFY_FORWARDED_TOKEN costs a function: the bearer token checked against the JWKS on every request.

    scripts/bench-verify-token [--requests 2000]

A local JWKS endpoint (127.0.0.1, an ephemeral port) serves a fresh RSA keyset, as auth-jwks
does; one `JwksVerifier` (the functions' own, wellness.platform.identity) checks the same
access token `--requests` times through `check_forwarded_token`, as `@endpoint` does per
request. Prints one JSON line: the first check (it fetches the JWKS), then per-check p50, p95
and p99 in microseconds, and how many times the JWKS was fetched (PyJWKClient caches the set
for 300 s, so once). Numbers only: no test asserts them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.tokens import TokenIssuer
from wellness.platform.identity import Caller, JwksVerifier, check_forwarded_token


def _jwks_server(jwks: dict[str, Any]) -> tuple[ThreadingHTTPServer, list[int]]:
    fetches: list[int] = []
    body = json.dumps(jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            fetches.append(1)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, fetches


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(requests: int) -> dict[str, Any]:
    keyset = Keyset.from_json(new_keyset_json())
    server, fetches = _jwks_server(keyset.jwks())
    try:
        uri = f"http://127.0.0.1:{server.server_address[1]}/v1/auth/jwks"
        verifier = JwksVerifier(uri, issuer="wellness-bench", audiences=("wellness-app",))
        issuer = TokenIssuer(keyset, issuer="wellness-bench", audience="wellness-app", ttl_seconds=900)
        headers = {"X-Forwarded-Authorization": f"Bearer {issuer.access_token('u1', 's1')}"}
        caller = Caller("u1", {"sub": "u1"})
        started = time.perf_counter()
        check_forwarded_token(headers, caller, verifier.verify)
        first = (time.perf_counter() - started) * 1e6
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            check_forwarded_token(headers, caller, verifier.verify)
            timings.append((time.perf_counter() - started) * 1e6)
    finally:
        server.shutdown()
        server.server_close()
    ordered = sorted(timings)
    return {
        "requests": requests,
        "firstWithJwksFetchUs": round(first),
        "perRequestUs": {
            "p50": round(statistics.median(ordered)),
            "p95": round(_percentile(ordered, 0.95)),
            "p99": round(_percentile(ordered, 0.99)),
        },
        "jwksFetches": len(fetches),
        "key": "RSA 2048, RS256",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="checks timed after the first (1..100000)")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 100_000:
        parser.error("--requests must be 1..100000")
    print(json.dumps(measure(args.requests)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
