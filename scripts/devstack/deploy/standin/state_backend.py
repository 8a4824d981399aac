"""Where the rehearsal's Terraform state is kept: a remote backend on 127.0.0.1, as the gcs one is remote.

The env root's `backend "gcs" {}` is overridden by `backend "http" {}` (`standin_override.tf`;
Terraform merges `*_override.tf` last, developer.hashicorp.com/terraform/language/files/override),
addressed through TF_HTTP_ADDRESS, TF_HTTP_LOCK_ADDRESS and TF_HTTP_UNLOCK_ADDRESS
(developer.hashicorp.com/terraform/language/backend/http). This server keeps the state in one
file (`path`), read and written whole on every request, so a copy of that file is a snapshot.

Why not the local backend: its state manager writes and fsyncs the whole state file after every
resource (hashicorp/terraform v1.11.4 internal/states/statemgr/filesystem.go, WriteState), ~2 MB
789 times in an apply of qa. A remote backend, gcs as well as http, keeps the state in memory and
persists it every 20 s and at the end (internal/backend/local/hook_state.go, PersistInterval;
internal/states/remote/state.go): what the release's applies do in the cloud.
Locking is Terraform's http protocol: LOCK answers 423 while another holder has it, UNLOCK frees it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType


class StateBackend:
    """Terraform's http backend protocol for one state, kept at `path` (with `with`: served)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        backend = self
        self.lock: bytes | None = None  # the holder's lock info, as Terraform sent it
        self.guard = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
                pass

            def _answer(self, status: int, body: bytes = b"") -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with backend.guard:
                    found = backend.path.read_bytes() if backend.path.is_file() else None
                self._answer(404) if found is None else self._answer(200, found)

            def do_POST(self) -> None:  # noqa: N802
                body = self._body()
                with backend.guard:
                    backend.path.parent.mkdir(parents=True, exist_ok=True)
                    backend.path.with_suffix(".tmp").write_bytes(body)
                    backend.path.with_suffix(".tmp").replace(backend.path)
                self._answer(200)

            def do_DELETE(self) -> None:  # noqa: N802
                with backend.guard:
                    backend.path.unlink(missing_ok=True)
                self._answer(200)

            def do_LOCK(self) -> None:  # noqa: N802
                info = self._body()
                with backend.guard:
                    held = backend.lock
                    if held is None:
                        backend.lock = info
                self._answer(200) if held is None else self._answer(423, held)

            def do_UNLOCK(self) -> None:  # noqa: N802
                self._body()
                with backend.guard:
                    backend.lock = None
                self._answer(200)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def env(self) -> dict[str, str]:
        """What names this server to the http backend."""
        address = f"http://127.0.0.1:{self.server.server_address[1]}/state"
        return {"TF_HTTP_ADDRESS": address, "TF_HTTP_LOCK_ADDRESS": address, "TF_HTTP_UNLOCK_ADDRESS": address}

    def __enter__(self) -> StateBackend:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
