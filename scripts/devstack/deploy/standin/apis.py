"""Stand-ins for the Google APIs the function image build calls (`build_image.py`), on 127.0.0.1.

`GOOGLE_APIS_ENDPOINT=http://127.0.0.1:PORT` points build_image there:
- Artifact Registry `…/packages/NAME/tags/TAG`: 200 once the stand-in built that image, else 404;
- Cloud Run `builds:submit`: the build's source must be what StorageSource accepts, "a gzipped
  archive file (.tar.gz)" (cloud.google.com/run/docs/reference/rest/v2/StorageSource): the
  object the stand-in provider recorded for `google_storage_bucket_object` is opened and checked;
  the answer is a finished Cloud Build operation, with an error when the source is refused.
"""

from __future__ import annotations

import gzip
import json
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devstack.deploy.standin.rules import World


def source_problem(path: str | None) -> str | None:
    """Why Cloud Run's StorageSource would refuse this object, or None."""
    if not path or not Path(path).is_file():
        return f"source object not found ({path})"
    try:
        with gzip.open(path) as raw, tarfile.open(fileobj=raw):
            return None
    except (OSError, tarfile.TarError, EOFError):
        return f"{Path(path).name} is not a gzipped archive file (.tar.gz), which StorageSource requires"


def submit(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """builds:submit: a finished operation, failed when StorageSource would refuse the source."""
    source = body.get("storageSource", {})
    objects = world.read().get("objects", {})
    problem = source_problem(objects.get(f"{source.get('bucket')}/{source.get('object')}"))
    operation: dict[str, Any] = {
        "name": "operations/standin",
        "done": True,
        "metadata": {"build": {"id": "standin"}},
    }
    if problem:
        operation["error"] = {"code": 3, "message": problem}
        return operation
    # The registry path ends in packages/NAME/tags/TAG: remember "NAME/tags/TAG".
    repo_path, tag = str(body.get("imageUri")).rsplit(":", 1)
    with world.changing() as data:
        data.setdefault("images", []).append(f"{repo_path.rsplit('/', 1)[-1]}/tags/{tag}")
    return operation


class Apis:
    def __init__(self, world: World) -> None:
        self.world = world
        apis = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                images = apis.world.read().get("images", [])
                if self.path.startswith("/artifactregistry/") and "/tags/" in self.path:
                    found = any(self.path.endswith(key) for key in images)
                    self._answer(200 if found else 404, {} if found else {"error": {"code": 404}})
                    return
                self._answer(404, {"error": {"code": 404, "message": f"no stand-in for GET {self.path}"}})

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if not self.path.endswith("/builds:submit"):
                    self._answer(404, {"error": {"code": 404, "message": f"no stand-in for POST {self.path}"}})
                    return
                self._answer(200, {"buildOperation": submit(apis.world, body)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Apis:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
