"""The migration job's bundle migrates and grants on its own: the files Alembic loads by path are in it.

Alembic finds env.py and the migrations by path, not by import, so only `BUNDLE_DATA` brings
them into the bundle. The bundle is unpacked and its main.py served by functions-framework in
an isolated interpreter (the repository is not on its path), then called as the deploy calls
it, against a database set up as Cloud SQL's is, as the migration user, with DB_RUNTIME_USERS.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import create_engine, text

from devstack.deploy import package

pytestmark = pytest.mark.integration

RUN = """
import json, sys
sys.path[:] = [sys.argv[1]] + [p for p in sys.path if "site-packages" in p or p.startswith(sys.base_prefix)]
from functions_framework import create_app
client = create_app("handler", sys.argv[1] + "/main.py", "http").test_client()
response = client.post("/", json={})
import wellness
print(json.dumps({"status": response.status_code, "body": response.get_json(), "wellness": wellness.__file__}))
"""


def test_the_bundle_alone_migrates_and_grants(tmp_path: Path, cloud_database: Callable[[], Any]) -> None:
    bundle = tmp_path / "db-migrate"
    with tarfile.open(package.write_bundle("db-migrate", tmp_path)) as tar:
        tar.extractall(bundle, filter="data")
    db = cloud_database()
    env = {
        "PATH": "/usr/bin:/bin",
        "GOOGLE_CLOUD_PROJECT": "p",
        "FUNCTION_NAME": "db-migrate",
        "DATABASE_URL": db.url(db.migrator),
        "DB_RUNTIME_USERS": json.dumps(db.runtime_users),
    }
    command = [sys.executable, "-I", "-c", RUN, str(bundle)]
    run = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    answer = json.loads(run.stdout.splitlines()[-1])
    assert answer["status"] == 200, run.stderr[-3000:]
    grants = answer["body"]["grants"]
    assert grants["users"] == len(db.runtime_users) and grants["changes"] > 0
    assert Path(answer["wellness"]).is_relative_to(bundle)
    reader = create_engine(db.url(db.user_of("program-list")))
    with reader.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM program_programs")).scalar()
    reader.dispose()
