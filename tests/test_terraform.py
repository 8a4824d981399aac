"""Terraform, checked offline: formatting, and that it declares exactly what the catalog says.

The HCL is parsed with python-hcl2. Terraform reads functions/catalog.yaml and
contracts/topics.yaml itself (yamldecode) and fans out with for_each, so these tests
prove the fan-out covers every kind of catalog entry and that nothing is named by hand:
they keep passing as the catalog grows, and fail when Terraform would miss a new kind,
store, secret, placeholder or bundle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

from devstack.catalog import KINDS, REPO_ROOT, STORES, load_catalog
from devstack.deploy import package

pytestmark = pytest.mark.unit

TF = REPO_ROOT / "terraform"
ENVS = ("qa", "prod")
CATALOG = load_catalog()


@cache
def parsed(path: Path) -> dict[str, Any]:
    with path.open() as fh:
        return dict(hcl2.load(fh))


def blocks(path: Path, kind: str) -> dict[str, dict[str, Any]]:
    """{name: body} of the module/resource blocks of a kind in one file (resource names are "type.name")."""
    found: dict[str, dict[str, Any]] = {}
    for block in parsed(path).get(kind, []):
        for key, body in block.items():
            if kind == "resource":
                for name, inner in body.items():
                    found[f"{unquote(key)}.{unquote(name)}"] = inner
            else:
                found[unquote(key)] = body
    return found


def unquote(value: Any) -> Any:
    return value[1:-1] if isinstance(value, str) and value.startswith('"') and value.endswith('"') else value


def locals_of(path: Path) -> dict[str, Any]:
    return {k: v for block in parsed(path).get("locals", []) for k, v in block.items()}


def tf_files() -> list[Path]:
    return sorted(TF.rglob("*.tf"))


def test_terraform_fmt_check() -> None:
    terraform = shutil.which("terraform")
    assert terraform, "terraform is not installed: https://developer.hashicorp.com/terraform/install"
    run = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(TF)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, f"run `terraform fmt -recursive terraform/`:\n{run.stdout}"


def test_every_tf_file_parses() -> None:
    for path in tf_files():
        assert parsed(path) is not None, path


def test_terraform_reads_the_catalog_and_contracts_itself() -> None:
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    assert 'functions/catalog.yaml"' in catalog_locals["catalog"] and "yamldecode" in catalog_locals["catalog"]
    assert 'contracts/topics.yaml"' in catalog_locals["topics_doc"]
    assert "local.catalog.functions" in catalog_locals["functions"]
    assert "local.topics_doc.topics" in catalog_locals["topics"]
    assert "t.subscriptions" in catalog_locals["subscriptions"]


def test_every_catalog_entry_is_covered_by_a_for_each_source() -> None:
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    modules = blocks(TF / "modules/wellness/main.tf", "module")
    # Which kind each local selects, read from its filter; then which module fans out over it.
    selected = {}
    for local in ("http_functions", "job_functions", "subscriber_functions"):
        kind = re.search(r'f\.kind == "(\w+)"', catalog_locals[local])
        assert kind, local
        selected[local] = kind.group(1)
    assert "local.http_functions" in modules["http_function"]["for_each"]
    assert "local.job_functions" in modules["http_function"]["for_each"]
    assert (
        "f.schedule == null" in catalog_locals["release_job"]
        and modules["migrations"]["name"] == "${local.release_job}"
    )
    assert modules["subscriber_function"]["for_each"] == "${local.subscriptions}"
    assert modules["topics"]["topics"] == "${local.topics}"
    assert set(selected.values()) == set(KINDS)
    for fn in CATALOG.functions:  # every function lands in a module: http/job directly, subscribers by subscription
        if fn.kind == "subscriber":
            assert [s for s in CATALOG.subscriptions if s.function == fn.name], f"{fn.name} has no subscription"
        else:
            assert fn.kind in ("http", "job")
    assert {s.function for s in CATALOG.subscriptions} <= {
        fn.name for fn in CATALOG.functions if fn.kind == "subscriber"
    }


def test_every_subscription_has_its_dead_letter_topic_hold_and_agent_rights() -> None:
    resources = blocks(TF / "modules/subscriber_function/main.tf", "resource")
    push = resources["google_pubsub_subscription.push"]
    assert "dead_letter_policy" in push and "retry_policy" in push and "oidc_token" in str(push["push_config"])
    assert resources["google_pubsub_topic.dead_letter"]["name"] == '"${var.subscription.name}.dead-letter"'
    assert (
        resources["google_pubsub_subscription.dead_letter_hold"]["name"]
        == '"${var.subscription.name}.dead-letter.hold"'
    )
    assert (
        resources["google_pubsub_topic_iam_member.agent_publishes_dead_letters"]["role"] == '"roles/pubsub.publisher"'
    )
    assert (
        resources["google_pubsub_subscription_iam_member.agent_subscribes_source"]["role"]
        == '"roles/pubsub.subscriber"'
    )
    for sub in CATALOG.subscriptions:  # the names Terraform builds are the ones the local stack uses
        assert (sub.dead_letter_topic, sub.dead_letter_hold) == (
            f"{sub.name}.dead-letter",
            f"{sub.name}.dead-letter.hold",
        )
        assert 5 <= sub.max_delivery_attempts <= 100, sub.name


def test_roles_cover_every_store_and_secrets_come_from_the_catalog() -> None:
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    roles = catalog_locals["roles_by_store"]
    assert set(roles) == set(STORES)
    assert "f.secrets" in catalog_locals["secret_names"]
    function_module = blocks(TF / "modules/http_function/main.tf", "resource")
    assert "var.secret_ids" in function_module["google_secret_manager_secret_iam_member.secrets"]["for_each"]
    assert "var.publish_topics" in function_module["google_pubsub_topic_iam_member.publish"]["for_each"]
    main = (TF / "modules/wellness/main.tf").read_text()
    assert 'each.value.kind == "http" ? ["serviceAccount:${google_service_account.gateway.email}"]' in main


def test_no_catalog_name_is_written_into_terraform_by_hand() -> None:
    names = {fn.name for fn in CATALOG.functions} | set(CATALOG.topics) | {s.name for s in CATALOG.subscriptions}
    names |= {secret for fn in CATALOG.functions for secret in fn.secrets}
    for path in tf_files():
        text = path.read_text()
        for name in names:
            assert f'"{name}"' not in text, f"{path.relative_to(REPO_ROOT)} names {name!r}: derive it from the catalog"


def test_the_openapi_template_gets_every_placeholder_it_uses() -> None:
    template = (REPO_ROOT / "contracts/openapi.yaml").read_text()
    used = set(re.findall(r"\$\{([a-z0-9_]+)\}", template))
    provided = {fn.backend_variable for fn in CATALOG.functions if fn.kind == "http"} | {"jwt_issuer", "jwt_audience"}
    assert used <= provided, f"templatefile() would fail: {sorted(used - provided)} not provided"
    assert "%{" not in template, "templatefile() would read %{ as a directive"


def test_scripts_package_builds_a_bundle_for_every_function_terraform_deploys() -> None:
    assert set(package.bundled_functions()) == {fn.name for fn in CATALOG.functions}


def test_service_account_ids_are_valid_and_distinct() -> None:
    ids = [f"fn-{name}"[:30] for name in package.bundled_functions()]
    assert len(set(ids)) == len(ids), "two functions would share a service account: shorten a name"
    for account in ids:
        assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", account), account


def test_environments_differ_only_in_variables() -> None:
    for name in ("main.tf", "variables.tf", "versions.tf"):
        assert (TF / "envs/qa" / name).read_text() == (TF / "envs/prod" / name).read_text(), name
    required = {
        unquote(k)
        for block in parsed(TF / "envs/qa/variables.tf")["variable"]
        for k, v in block.items()
        if "default" not in v
    }
    for env in ENVS:
        tfvars = parsed(TF / f"envs/{env}/terraform.tfvars")
        assert required - {"bundle_dir", "bundles"} <= set(tfvars), env  # bundles come from dist/bundles.json
        assert unquote(tfvars["environment"]) == env


def test_providers_are_pinned_and_state_is_in_gcs() -> None:
    versions = parsed(TF / "envs/qa/versions.tf")["terraform"][0]
    for key, provider in versions["required_providers"][0].items():
        if key == "__is_block__":
            continue
        assert re.fullmatch(r"= \d+\.\d+\.\d+", unquote(provider["version"])), provider
    assert "gcs" in str(versions["backend"])
    gateway = blocks(TF / "modules/api_gateway/main.tf", "resource")
    for name, body in gateway.items():
        assert body["provider"] == "google-beta", name
    config = gateway["google_api_gateway_api_config.config"]
    assert config["lifecycle"][0]["create_before_destroy"] is True and "api_config_id_prefix" in config


@pytest.mark.parametrize("env", ENVS)
def test_connection_budget_stays_below_max_connections(env: str) -> None:
    tfvars = parsed(TF / f"envs/{env}/terraform.tfvars")
    pool = tfvars["db_pool_size"]
    budget = sum(fn.max_instances * pool for fn in CATALOG.functions if "postgres" in fn.stores) + 3
    assert budget < tfvars["db_max_connections"], (
        f"{env}: {budget} connections budgeted, max {tfvars['db_max_connections']}"
    )
