"""The stand-in Cloud SQL instance and Admin API: scripts/db-bootstrap runs on them as deploy.yml runs it.

Real PostgreSQL (a cluster of the test's own, as a Cloud SQL instance is the environment's own)
and the real script, in a subprocess, pointed at the stand-ins as the rehearsal points it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pg8000.native
import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import apis, cloudsql, rules

pytestmark = pytest.mark.integration

INSTANCE = "wellness-qa-1"
MIGRATOR = "fn-db-migrate@wellness-qa.iam"
STATE = {  # what `terraform state pull` holds of the instance's database and users (format 4)
    "resources": [
        {"mode": "managed", "type": "google_sql_database", "instances": [{"attributes": {"name": "wellness"}}]},
        {
            "mode": "managed",
            "type": "google_sql_user",
            "instances": [{"attributes": {"name": MIGRATOR, "type": "CLOUD_IAM_SERVICE_ACCOUNT"}}],
        },
    ]
}


@pytest.fixture
def stand_in(tmp_path: Path) -> Iterator[tuple[cloudsql.Instance, apis.Apis, rules.World]]:
    world = rules.World(tmp_path / "world")
    with cloudsql.Instance(tmp_path / "sql") as sql, apis.Apis(world, sql) as api:
        yield sql, api, world


def bootstrap(tmp_path: Path, sql: cloudsql.Instance, api: apis.Apis) -> subprocess.CompletedProcess[str]:
    outputs = tmp_path / "candidate.json"
    target = {
        "connection_name": f"wellness-qa:europe-west1:{INSTANCE}",
        "database": "wellness",
        "migrate_user": MIGRATOR,
    }
    outputs.write_text(json.dumps({"db_bootstrap": {"value": target}}))
    gcloud = tmp_path / "bin" / "gcloud"  # the rehearsal's gcloud: a token for the Admin API
    gcloud.parent.mkdir(exist_ok=True)
    gcloud.write_text("#!/bin/sh\necho standin-token\n")
    gcloud.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{gcloud.parent}:{os.environ['PATH']}",
        "GOOGLE_APIS_ENDPOINT": api.endpoint,
        "CLOUD_SQL_STANDIN": sql.address,
    }
    script = [str(REPO_ROOT / "scripts" / "db-bootstrap"), "--outputs", str(outputs)]
    return subprocess.run(script, env=env, capture_output=True, text=True, timeout=120)


def login(sql: cloudsql.Instance, user: str, password: str | None = None) -> pg8000.native.Connection:
    host, port = sql.address.rsplit(":", 1)
    return pg8000.native.Connection(user, host=host, port=int(port), database="wellness", password=password)


def test_the_bootstrap_gives_the_migration_user_the_schema_with_a_password_set_for_it(
    stand_in: tuple[cloudsql.Instance, apis.Apis, rules.World], tmp_path: Path
) -> None:
    sql, api, world = stand_in
    assert sql.sync(STATE) == ["database wellness", f"user {MIGRATOR}"]
    with world.changing() as data:  # Terraform created the instance (the stand-in provider records it)
        data["resources"]["google_sql_database_instance"] = {INSTANCE: True}

    done = bootstrap(tmp_path, sql, api)
    assert done.returncode == 0, done.stderr
    migrator = login(sql, MIGRATOR)
    assert migrator.run("SELECT has_schema_privilege('public', 'CREATE')") == [[True]]
    assert migrator.run("SELECT has_database_privilege('wellness', 'CREATE')") == [[True]]
    migrator.close()
    with pytest.raises(pg8000.native.DatabaseError, match="password authentication failed"):
        login(sql, "postgres", "not-the-one-the-bootstrap-set")  # and the one it set, nobody kept


def test_postgres_has_no_password_until_the_deploy_sets_one_and_an_unknown_instance_is_refused(
    stand_in: tuple[cloudsql.Instance, apis.Apis, rules.World], tmp_path: Path
) -> None:
    sql, api, _ = stand_in
    sql.sync(STATE)
    with pytest.raises(pg8000.native.DatabaseError, match="password authentication failed"):
        login(sql, "postgres", "")
    done = bootstrap(tmp_path, sql, api)  # no google_sql_database_instance in the world
    assert done.returncode != 0 and "404" in done.stderr
    migrator = login(sql, MIGRATOR)  # an IAM user starts with no rights (PostgreSQL 15+: not even on public)
    assert migrator.run("SELECT has_schema_privilege('public', 'CREATE')") == [[False]]
    migrator.close()
