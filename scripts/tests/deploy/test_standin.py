"""The stand-in providers' schema, plan and apply, and each first-apply rule on planted states."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import apis, rules, schema, values
from devstack.deploy.standin.planning import fill_body, plan_body

pytestmark = pytest.mark.unit

UNKNOWN = object()


@pytest.fixture(scope="module")
def used() -> dict[str, Any]:
    try:
        return schema.subset(schema.load(), schema.used_types(REPO_ROOT / "terraform"))
    except schema.SchemaMissing as exc:  # as tests of tf_schema do: .node-tools comes from scripts/lint-deploy
        pytest.skip(f"provider schema not installed ({exc}); run scripts/lint-deploy once")


def test_the_schema_covers_every_type_the_repository_uses(used: dict[str, Any]) -> None:
    wanted = schema.used_types(REPO_ROOT / "terraform")
    for kind, types in wanted.items():
        served = set(used["providers"]["google"][kind]) | set(used["providers"]["google-beta"][kind])
        assert types - {"terraform_data"} <= served


def test_the_schema_has_types_computed_attributes_and_nesting(used: dict[str, Any]) -> None:
    run = used["providers"]["google"]["resource"]["google_cloud_run_v2_service"]
    assert run["attrs"]["uri"] == {"type": "string", "required": False, "computed": True}
    assert run["attrs"]["name"] == {"type": "string", "required": True, "computed": False}
    assert run["attrs"]["custom_audiences"]["type"] == ["list", "string"]
    assert run["attrs"]["conditions"]["type"][1][0] == "object"
    assert (run["blocks"]["template"]["nesting"], run["blocks"]["template"]["max"]) == ("list", 1)
    assert run["blocks"]["traffic"]["max"] == 0
    assert run["blocks"]["timeouts"]["nesting"] == "single"
    containers = run["blocks"]["template"]["block"]["blocks"]["containers"]["block"]
    assert containers["blocks"]["env"]["block"]["blocks"]["value_source"]["max"] == 1
    assert used["providers"]["google"]["data"]["google_project"]["attrs"]["number"]["computed"]


BODY: dict[str, Any] = {
    "attrs": {
        "name": {"type": "string", "required": True, "computed": False},
        "id": {"type": "string", "required": False, "computed": True},
        "uri": {"type": "string", "required": False, "computed": True},
    },
    "blocks": {
        "status": {
            "nesting": "list",
            "min": 0,
            "max": 0,
            "block": {"attrs": {"url": {"type": "string", "required": False, "computed": True}}, "blocks": {}},
        }
    },
}


def test_computed_attributes_are_unknown_on_create_and_kept_on_update() -> None:
    created = plan_body(BODY, None, {"name": "a", "id": None, "uri": None, "status": [{"url": None}]}, UNKNOWN)
    assert created["uri"] is UNKNOWN and created["id"] is UNKNOWN and created["status"][0]["url"] is UNKNOWN
    prior = {"name": "a", "id": "x", "uri": "https://a", "status": [{"url": "u"}]}
    updated = plan_body(BODY, prior, {**prior, "name": "b"}, UNKNOWN)
    assert updated == {**prior, "name": "b"}


def test_apply_gives_the_same_values_to_the_same_configuration() -> None:
    ctx = values.Context("google_cloud_run_v2_service", "p", "europe-west1")
    planned = plan_body(BODY, None, {"name": "fn", "id": None, "uri": None, "status": None}, UNKNOWN)
    first = fill_body(BODY, planned, ctx, (), UNKNOWN)
    assert first == fill_body(BODY, planned, ctx, (), UNKNOWN)
    assert first["uri"] == f"https://fn-{values.project_number('p')}.europe-west1.run.app"
    assert first["id"] == "projects/p/locations/europe-west1/services/fn"


def test_a_service_accounts_email_is_known_at_plan() -> None:
    ctx = values.Context("google_service_account", "p", "r")
    assert values.at_plan(ctx, {"account_id": "fn-a", "project": "p"}) == {
        "email": "fn-a@p.iam.gserviceaccount.com",
        "member": "serviceAccount:fn-a@p.iam.gserviceaccount.com",
    }


def alert(rule: str, query: str, disable: bool | None = None) -> dict[str, Any]:
    promql = {"alert_rule": rule, "query": query, "disable_metric_validation": disable}
    return {"conditions": [{"condition_prometheus_query_language": [promql]}]}


def test_alert_rule_must_be_a_label_name(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    planted = rules.check("google_monitoring_alert_policy", alert("outbox-stuck", "up", True), world)
    assert [p.summary for p in planted] == [
        "Error creating AlertPolicy: alert_rule 'outbox-stuck' is not a valid Prometheus label name"
    ]
    assert rules.check("google_monitoring_alert_policy", alert("outbox_stuck", "up", True), world) == []


def test_a_promql_alert_on_a_metric_nobody_wrote_fails_unless_validation_is_disabled(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    query = 'max by ("wellness.store") ({"wellness.outbox.oldest_age"}) > 300'
    planted = rules.check("google_monitoring_alert_policy", alert("outbox_stuck", query), world)
    assert len(planted) == 1 and "['wellness.outbox.oldest_age'] do not exist" in planted[0].summary
    assert rules.check("google_monitoring_alert_policy", alert("outbox_stuck", query, True), world) == []
    google_metric = "increase(pubsub_googleapis_com:subscription_dead_letter_message_count{a='b'}[10m]) > 0"
    assert rules.check("google_monitoring_alert_policy", alert("dead_letters", google_metric), world) == []


def service(secret: str) -> dict[str, Any]:
    ref = {"secret": secret, "version": "latest"}
    env = {"name": "KEY", "value": None, "value_source": [{"secret_key_ref": [ref]}]}
    return {"template": [{"revision": "fn-1", "containers": [{"env": [env]}]}]}


def test_a_revision_whose_secret_has_no_version_never_becomes_ready(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    planted = rules.check("google_cloud_run_v2_service", service("jwt-signing-keys"), world)
    assert len(planted) == 1 and "'jwt-signing-keys' has no enabled version" in planted[0].summary
    world.add_secret_version("jwt-signing-keys")
    assert rules.check("google_cloud_run_v2_service", service("projects/1/secrets/jwt-signing-keys"), world) == []


def test_a_destroyed_sql_instance_name_and_an_abandoned_firestore_database_are_not_free(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    assert rules.check("google_sql_database_instance", {"name": "wellness-qa"}, world) == []
    world.forget("google_sql_database_instance", {"name": "wellness-qa"})
    assert len(rules.check("google_sql_database_instance", {"name": "wellness-qa"}, world)) == 1
    world.forget("google_firestore_database", {"name": "(default)", "deletion_policy": "DELETE"})
    assert rules.check("google_firestore_database", {"name": "(default)"}, world) == []
    world.forget("google_firestore_database", {"name": "(default)", "deletion_policy": None})
    assert len(rules.check("google_firestore_database", {"name": "(default)"}, world)) == 1


def test_a_bucket_with_objects_terraform_does_not_manage_needs_force_destroy(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    world.add_object("ref", "index.html", "/dev/null")
    assert len(rules.check_destroy("google_storage_bucket", {"name": "ref", "force_destroy": False}, world)) == 1
    assert rules.check_destroy("google_storage_bucket", {"name": "ref", "force_destroy": True}, world) == []
    assert rules.check_destroy("google_storage_bucket", {"name": "other", "force_destroy": False}, world) == []


def test_a_source_build_takes_a_gzipped_tarball_not_a_zip(tmp_path: Path) -> None:
    bundle = tmp_path / "fn.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("main.py", "")
    assert "not a gzipped archive file (.tar.gz)" in str(apis.source_problem(str(bundle)))
    tarball = tmp_path / "fn.tar.gz"
    with gzip.open(tarball, "wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        info = tarfile.TarInfo("main.py")
        tar.addfile(info, io.BytesIO(b""))
    assert apis.source_problem(str(tarball)) is None


def test_the_build_stand_in_builds_only_an_accepted_source(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    bundle = tmp_path / "fn.zip"
    bundle.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    world.remember(
        "google_storage_bucket_object", {"id": "o", "bucket": "b", "name": "functions/fn.zip", "source": str(bundle)}
    )
    body = {"storageSource": {"bucket": "b", "object": "functions/fn.zip"}, "imageUri": "r-docker.pkg.dev/p/f/fn:t"}
    operation = apis.submit(world, body)
    assert operation["done"] and operation["error"]["code"] == 3
    assert world.read().get("images", []) == []


def test_the_gcloud_stand_in_keeps_versions_only_of_secrets_terraform_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from devstack.deploy.standin import gcloud

    monkeypatch.setenv("STANDIN_WORLD", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret"))
    assert gcloud.main(["secrets", "versions", "add", "jwt-signing-keys", "--project=p", "--data-file=-"]) == 1
    rules.World(tmp_path).remember("google_secret_manager_secret", {"id": "projects/1/secrets/jwt-signing-keys"})
    assert gcloud.main(["secrets", "versions", "list", "jwt-signing-keys", "--limit=1"]) == 0
    assert capsys.readouterr().out.strip() == ""
    assert gcloud.main(["secrets", "versions", "add", "jwt-signing-keys", "--project=p", "--data-file=-"]) == 0
    assert gcloud.main(["secrets", "versions", "access", "latest", "--secret=jwt-signing-keys"]) == 0
    assert capsys.readouterr().out == "s3cret"
    assert gcloud.main(["run", "deploy", "x"]) == 2


def test_the_gcloud_stand_in_stores_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from devstack.deploy.standin import gcloud

    monkeypatch.setenv("STANDIN_WORLD", str(tmp_path / "world"))
    assert gcloud.main(["storage", "cat", "gs://b/releases/qa/live.json"]) == 1
    page = tmp_path / "index.html"
    page.write_text("<html></html>")
    assert gcloud.main(["storage", "cp", str(page), "gs://b/index.html", "--content-type=text/html"]) == 0
    assert list(rules.World(tmp_path / "world").read()["objects"]) == ["b/index.html"]


def test_a_renamed_object_replaces_the_old_one(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    old = {"id": "b/functions/fn-1.zip", "bucket": "b", "name": "functions/fn-1.zip", "source": "/dev/null"}
    world.remember("google_storage_bucket_object", old)
    assert len(rules.check_destroy("google_storage_bucket", {"name": "b", "force_destroy": False}, world)) == 1
    world.remember("google_storage_bucket_object", {**old, "name": "functions/fn-2.zip"}, prior=old)
    assert list(world.read()["objects"]) == ["b/functions/fn-2.zip"]
    world.forget("google_storage_bucket_object", {**old, "name": "functions/fn-2.zip"})
    assert rules.check_destroy("google_storage_bucket", {"name": "b", "force_destroy": False}, world) == []


def test_deletion_protection_refuses_a_destroy(tmp_path: Path) -> None:
    world = rules.World(tmp_path)
    refused = rules.check_destroy("google_sql_database_instance", {"name": "db", "deletion_protection": True}, world)
    assert len(refused) == 1 and rules.PROTECTED in refused[0].summary
    # Firestore's protection bites only a database the provider would delete: with the default
    # deletion_policy ABANDON it is dropped from the state and kept (resource_firestore_database.go).
    firestore = {
        "name": "(default)",
        "delete_protection_state": "DELETE_PROTECTION_ENABLED",
        "deletion_policy": "DELETE",
    }
    assert len(rules.check_destroy("google_firestore_database", firestore, world)) == 1
    assert rules.check_destroy("google_firestore_database", {**firestore, "deletion_policy": "ABANDON"}, world) == []
    assert (
        rules.check_destroy("google_sql_database_instance", {"name": "db", "deletion_protection": False}, world) == []
    )
