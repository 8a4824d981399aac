"""Stand-ins for the Google APIs the function image build calls (`build_image.py`), on 127.0.0.1.

`GOOGLE_APIS_ENDPOINT=http://127.0.0.1:PORT` points build_image there:
- Artifact Registry `…/packages/NAME/tags/TAG`: 200 once the stand-in built that image, else 404;
- Cloud Run `builds:submit`: the build's source must be what StorageSource accepts, "a gzipped
  archive file (.tar.gz)" (cloud.google.com/run/docs/reference/rest/v2/StorageSource): the
  object the stand-in provider recorded for `google_storage_bucket_object` is opened and checked;
  the answer is a finished Cloud Build operation, with an error when the source is refused;
- Cloud SQL Admin `PUT …/instances/INSTANCE/users?name=USER` (users.update, what
  scripts/db-bootstrap calls): the user's password changes on the stand-in instance
  (`cloudsql.py`) when Terraform created that instance; the answer is a finished operation.
"""

from __future__ import annotations

import gzip
import json
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from devstack.deploy.standin.cloudsql import Instance
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


def update_user(world: World, instance: Instance | None, path: str, query: str, body: dict[str, Any]) -> int:
    """users.update on the stand-in instance: 200, or 404 when Terraform has not created that instance."""
    name = path.split("/instances/", 1)[1].split("/", 1)[0]
    made = world.read()["resources"].get("google_sql_database_instance", {})
    if instance is None or not any(key.rsplit("/", 1)[-1] == name for key in made):
        return 404
    user = parse_qs(query).get("name", [body.get("name", "")])[0]
    instance.set_password(user, str(body["password"]))
    return 200


class Apis:
    def __init__(self, world: World, sql: Instance | None = None) -> None:
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
                if self.path.startswith("/sql/v1/") and "/operations/" in self.path:
                    self._answer(200, {"name": self.path.rsplit("/", 1)[-1], "status": "DONE"})
                    return
                self._answer(404, {"error": {"code": 404, "message": f"no stand-in for GET {self.path}"}})

            def do_PUT(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                path, _, query = self.path.partition("?")
                if path.startswith("/sql/v1/") and path.endswith("/users"):
                    status = update_user(apis.world, sql, path, query, body)
                    self._answer(status, {"name": "standin-users-update", "status": "DONE"} if status == 200 else {})
                    return
                self._answer(404, {"error": {"code": 404, "message": f"no stand-in for PUT {self.path}"}})

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
