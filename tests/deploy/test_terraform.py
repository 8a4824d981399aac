"""Terraform, checked offline: formatting, and that it declares exactly what the catalog says.

The HCL is parsed with python-hcl2. Terraform reads functions/catalog.yaml and
contracts/topics.yaml itself (yamldecode) and fans out with for_each, so these tests
prove the fan-out covers every kind of catalog entry and that nothing is named by hand:
they keep passing as the catalog grows, and fail when Terraform would miss a new kind,
store, secret, placeholder or bundle.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

from devstack.catalog import KINDS, REPO_ROOT, STORES, load_catalog
from devstack.deploy import db_users, package

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
    # Subscriptions come from the catalog's subscribers (each one's `topic`), not from topics.yaml.
    assert "local.catalog.functions" in catalog_locals["subscriptions"] and "f.topic" in catalog_locals["subscriptions"]


def test_every_catalog_entry_is_covered_by_a_for_each_source() -> None:
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    modules = blocks(TF / "modules/wellness/main.tf", "module")
    # Which kind each local selects, read from its filter; then which module fans out over it.
    selected = {}
    for local in ("http_functions", "job_functions", "subscriber_functions"):
        kind = re.search(r'f\.kind == "(\w+)"', catalog_locals[local])
        assert kind, local
        selected[local] = kind.group(1)
    assert "local.http_functions" in modules["function"]["for_each"]
    assert "local.job_functions" in modules["function"]["for_each"]
    # The release job (the migrations) is the catalog's job without a schedule, deployed on its own.
    assert "f.schedule, null) == null" in catalog_locals["migrate_function"]
    assert modules["migrate"]["name"] == "${local.migrate_function}"
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
    function_module = blocks(TF / "modules/function/main.tf", "resource")
    assert "var.secret_ids" in function_module["google_secret_manager_secret_iam_member.secrets"]["for_each"]
    assert "var.publish_topics" in function_module["google_pubsub_topic_iam_member.publish"]["for_each"]
    main = (TF / "modules/wellness/main.tf").read_text()
    assert 'each.value.kind == "http" ? "serviceAccount:${google_service_account.gateway.email}"' in main


def test_only_the_confirm_function_and_the_deployer_can_read_the_smoke_key() -> None:
    """smoke-key mints verification tokens for smoke addresses (README, "Deploying"): one function reads it.

    Terraform grants a secret's accessor role per function, from the catalog (the test above), and
    the deployer reads it through its Secret Manager role (terraform/bootstrap), which no function
    account has: so these are its only readers.
    """
    readers = {fn.name for fn in CATALOG.functions if "smoke-key" in fn.secrets}
    assert readers == {"auth-verify-email"}
    assert '"roles/secretmanager.admin"' in (TF / "bootstrap/main.tf").read_text()  # the deployer's
    granting = {path.relative_to(TF).as_posix() for path in tf_files() if "roles/secretmanager" in path.read_text()}
    assert granting == {"bootstrap/main.tf", "modules/function/main.tf"}  # the per-secret, per-function grant


def test_no_catalog_name_is_written_into_terraform_by_hand() -> None:
    names = {fn.name for fn in CATALOG.functions} | set(CATALOG.topics) | {s.name for s in CATALOG.subscriptions}
    names |= {secret for fn in CATALOG.functions for secret in fn.secrets}
    for path in tf_files():
        text = path.read_text()
        for name in names:
            assert f'"{name}"' not in text, f"{path.relative_to(REPO_ROOT)} names {name!r}: derive it from the catalog"


def template_placeholders(template: str) -> tuple[set[str], list[str]]:
    """(names of the `${name}` placeholders, any other `${`/`%{` templatefile() would choke on).

    templatefile() reads every `${` as an expression and every `%{` as a directive, comments
    included; `$${` and `%%{` are the literal escapes.
    """
    unescaped = template.replace("$${", "").replace("%%{", "")
    names: set[str] = set()
    bad: list[str] = []
    for match in re.finditer(r"[$%]\{[^}\n]*\}?", unescaped):
        name = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", match.group())
        if name:
            names.add(name.group(1))
        else:
            bad.append(match.group())
    return names, bad


def test_the_template_guard_sees_what_templatefile_rejects() -> None:
    names, bad = template_placeholders("# `${...}` and ${backend_<f>}\nx: ${jwt_issuer}\ny: $${kept} %%{kept} %{if}")
    assert names == {"jwt_issuer"}
    assert bad == ["${...}", "${backend_<f>}", "%{if}"]


def test_the_openapi_template_gets_every_placeholder_it_uses() -> None:
    names, bad = template_placeholders((REPO_ROOT / "contracts/openapi.yaml").read_text())
    assert not bad, f"templatefile() would fail on {bad}: write $${{ for a literal, or reword"
    provided = {fn.backend_variable for fn in CATALOG.functions if fn.kind == "http"} | {"jwt_issuer", "jwt_audience"}
    assert names <= provided, f"templatefile() would fail: {sorted(names - provided)} not provided"


def test_scripts_package_builds_a_bundle_for_every_function_terraform_deploys() -> None:
    assert set(package.bundled_functions()) == {fn.name for fn in CATALOG.functions}


def test_service_account_ids_are_valid_and_distinct() -> None:
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    assert 'substr("fn-${k}", 0, 30)' in catalog_locals["account_id"]
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
    """Live revisions at max instances, one candidate instance each during the smoke, the migration, the reserve."""
    tfvars = parsed(TF / f"envs/{env}/terraform.tfvars")
    pool = tfvars["db_pool_size"]
    postgres = [fn for fn in CATALOG.functions if "postgres" in fn.stores and not fn.release_job]
    budget = sum(fn.max_instances * pool for fn in postgres) + len(postgres) * pool + 1 + 3
    assert budget < tfvars["db_max_connections"], (
        f"{env}: {budget} connections budgeted, max {tfvars['db_max_connections']}"
    )
    assert all(fn.concurrency == 1 for fn in postgres), "a pool of one connection serves one request at a time"
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    assert "length(local.postgres_functions) * var.db_pool_size" in catalog_locals["connection_budget"]
    budget_check = blocks(TF / "modules/wellness/main.tf", "resource")["terraform_data.connection_budget"]
    assert "local.connection_budget < var.db_max_connections" in str(budget_check["lifecycle"])


# --- Functions on the Cloud Run Admin API, blue/green ------------------------------------------


def function_service() -> dict[str, Any]:
    return blocks(TF / "modules/function/main.tf", "resource")["google_cloud_run_v2_service.fn"]


def test_every_function_is_a_cloud_run_v2_service_with_a_function_build() -> None:
    for path in tf_files():
        assert "google_cloudfunctions2_function" not in path.read_text(), f"{path}: use the Cloud Run Admin API"
    service = function_service()
    build = service["build_config"][0]
    assert build["function_target"] == "${var.function_target}"
    assert build["source_location"] == "${local.source_location}" and build["base_image"] == "${var.base_image}"
    assert "var.build_service_account_email" in build["service_account"]
    function_locals = locals_of(TF / "modules/function/main.tf")
    assert function_locals["source_location"].startswith('"gs://${var.source_bucket}/')
    # build_config starts no build in provider 6.50.0: the image is built first, by content hash.
    image = blocks(TF / "modules/function/main.tf", "resource")["terraform_data.image"]
    assert "devstack.deploy.build_image" in str(image["provisioner"])
    assert "${terraform_data.image}" in service["depends_on"]
    assert "local.bundle_hash" in function_locals["image"]


def test_sizing_comes_from_the_catalog_cpu_apart_from_memory() -> None:
    container = function_service()["template"][0]["containers"][0]
    resources = container["resources"][0]
    assert "var.cpu" in str(resources["limits"]) and "var.memory" in str(resources["limits"])
    assert resources["startup_cpu_boost"] == "${var.startup_cpu_boost}"
    for fn in CATALOG.functions:
        if fn.kind == "http":
            assert (fn.cpu, fn.startup_cpu_boost) == ("1", True), f"{fn.name}: user-facing, a whole CPU and boost"
        else:
            assert float(fn.cpu) < 1, f"{fn.name}: background work gets less than a CPU"
    warm = {fn.name for fn in CATALOG.functions if fn.warm}
    assert warm == {"auth-login", "auth-signup", "program-tasks-mine"}
    assert "each.value.warm ? var.warm_min_instances : 0" in (TF / "modules/wellness/main.tf").read_text()
    for env in ENVS:
        assert isinstance(parsed(TF / f"envs/{env}/terraform.tfvars")["warm_min_instances"], int), env


def test_new_revisions_are_candidates_with_no_traffic_until_promoted() -> None:
    service = function_service()
    template = service["template"][0]
    assert template["revision"] == "${local.revision}"
    function_locals = locals_of(TF / "modules/function/main.tf")
    assert "sha256(jsonencode(local.template))" in function_locals["revision"]
    for key in ("image", "environment", "cpu", "memory", "service_account"):
        assert key in function_locals["template"], f"{key} must name the revision"
    (candidate,) = service["traffic"]
    assert unquote(candidate["tag"]) == "candidate" and candidate["revision"] == "${local.revision}"
    # 0 % until promoted (the variable's default), a promotion step's share while it is watched.
    assert "local.live == local.revision ? 100 : var.candidate_percent" in candidate["percent"]
    (live,) = service["dynamic"]
    assert "local.live == local.revision ? [] : [local.live]" in live['"traffic"']["for_each"]
    assert live['"traffic"']["content"][0]["percent"] == "${100 - var.candidate_percent}"
    variables = parsed(TF / "modules/function/variables.tf")["variable"]
    assert next(v['"candidate_percent"'] for v in variables if '"candidate_percent"' in v)["default"] == 0
    assert 'var.live_revision == "" ? local.revision : var.live_revision' in function_locals["live"]
    # Min instances at service level go only to revisions taking traffic: candidates keep none.
    assert service["scaling"][0]["min_instance_count"] == "${var.min_instances}"


def test_service_urls_are_deterministic_so_gateway_configs_are_keyed_at_plan_time() -> None:
    function_locals = locals_of(TF / "modules/function/main.tf")
    assert unquote(function_locals["host"]) == "${var.name}-${var.project_number}.${var.region}.run.app"
    assert unquote(function_locals["candidate_url"]) == "https://candidate---${local.host}"
    outputs = {
        unquote(k): v for block in parsed(TF / "modules/function/outputs.tf")["output"] for k, v in block.items()
    }
    assert outputs["url"]["value"] == "${local.url}" and outputs["candidate_url"]["value"] == "${local.candidate_url}"
    wellness_locals = locals_of(TF / "modules/wellness/main.tf")
    assert "module.function[k].candidate_url" in wellness_locals["candidate_document"]
    assert "module.function[k].url" in wellness_locals["release_document"]
    gateway_locals = locals_of(TF / "modules/api_gateway/main.tf")
    assert gateway_locals["candidate_key"] == "${substr(sha256(var.candidate_document), 0, 12)}"
    config = blocks(TF / "modules/api_gateway/main.tf", "resource")["google_api_gateway_api_config.config"]
    assert config["for_each"] == "${local.documents}"
    # Push subscriptions and the scheduler call the service URL (the live revision), not a tag.
    push = blocks(TF / "modules/subscriber_function/main.tf", "resource")["google_pubsub_subscription.push"]
    assert push["push_config"][0]["push_endpoint"] == "${module.function.url}"


def test_no_function_is_public_through_allusers_and_only_the_jwks_skips_the_invoker_check() -> None:
    for path in tf_files():
        text = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())  # code, not comments
        assert "allUsers" not in text and "allAuthenticatedUsers" not in text, path
        assert "cloud-storage-analytics" not in text, path
    assert function_service()["invoker_iam_disabled"] == "${var.public}"
    functions = blocks(TF / "modules/wellness/main.tf", "module")
    assert functions["function"]["public"] == "${each.key == local.jwks_function}"
    assert "public" not in functions["migrate"]
    jwks = [fn.name for fn in CATALOG.functions if fn.route == "GET /v1/auth/jwks"]
    assert len(jwks) == 1 and "regex(" in locals_of(TF / "modules/wellness/catalog.tf")["jwks_backend"]
    for name, body in blocks(TF / "modules/source_bucket/main.tf", "resource").items():
        assert "logging" not in body, f"{name}: usage logs need a grant Domain Restricted Sharing refuses"


def test_cloud_sql_sets_an_edition_that_accepts_its_tier() -> None:
    instance = blocks(TF / "modules/cloud_sql/main.tf", "resource")["google_sql_database_instance.db"]
    assert instance["settings"][0]["edition"] == "${var.edition}"
    for env in ENVS:
        tfvars = parsed(TF / f"envs/{env}/terraform.tfvars")
        if unquote(tfvars["db_tier"]).startswith("db-custom-"):
            assert unquote(tfvars["db_edition"]) == "ENTERPRISE", f"{env}: ENTERPRISE_PLUS refuses db-custom tiers"


def test_database_users_wait_for_their_service_accounts() -> None:
    cloud_sql = blocks(TF / "modules/wellness/main.tf", "module")["cloud_sql"]
    assert "google_service_account.fn[k].email" in cloud_sql["iam_users"]
    user = blocks(TF / "modules/cloud_sql/main.tf", "resource")["google_sql_user.iam"]
    assert user["for_each"] == "${var.iam_users}" and "each.value" in user["name"]
    # A user holding grants cannot be deleted; the migration job revokes a removed function's.
    assert unquote(user["deletion_policy"]) == "ABANDON"
    migrate = blocks(TF / "modules/wellness/main.tf", "module")["migrate"]
    assert migrate["depends_on"] == ["${module.cloud_sql}"]
    assert "local.db_runtime_users" in str(migrate["environment"])


def test_the_migration_job_is_told_each_runtime_user_as_the_grants_read_it() -> None:
    # wellness.migrations.grants parses these fields; devstack.deploy.db_users (the tests' copy) builds them.
    catalog_tf = locals_of(TF / "modules/wellness/catalog.tf")
    described = re.findall(r"(\w+) = ", catalog_tf["db_runtime_users"].split("=> {", 1)[1])
    assert tuple(described) == db_users.FIELDS
    assert 'contains(local.functions[k].stores, "pubsub")' in catalog_tf["db_runtime_users"]
    assert "local.postgres_functions" in catalog_tf["db_runtime_users"]
    assert catalog_tf["account_id"].endswith('substr("fn-${k}", 0, 30)}}')
    assert catalog_tf["db_user"].endswith('"${id}@${var.project_id}.iam"}}')


def test_the_build_has_its_own_service_account_with_build_roles() -> None:
    build = blocks(TF / "modules/build/main.tf", "resource")
    assert "roles/run.builder" in build["google_project_iam_member.builder"]["for_each"]
    assert unquote(build["google_artifact_registry_repository_iam_member.builder"]["role"]) == (
        "roles/artifactregistry.writer"
    )
    readers = blocks(TF / "modules/wellness/main.tf", "module")["source_bucket"]["readers"]
    assert readers == ["${module.build.member}"]


def test_every_setting_a_function_asks_for_is_a_variable_each_environment_sets() -> None:
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    provided = set(catalog_locals["settings"])
    asked = {s for fn in CATALOG.functions for s in fn.settings}
    assert asked and asked <= provided, f"Terraform does not set {sorted(asked - provided)}"
    assert {"MAIL_FROM", "PASSWORD_RESET_URL"} <= asked
    for env in ENVS:
        tfvars = parsed(TF / f"envs/{env}/terraform.tfvars")
        for var in ("mail_from", "password_reset_url"):
            assert ".invalid" not in tfvars[var], f"{env}: {var} is the local placeholder"


def test_the_release_outputs_name_everything_the_deploy_needs() -> None:
    outputs = {unquote(k) for block in parsed(TF / "envs/qa/main.tf")["output"] for k in block}
    assert {
        "gateway_url",
        "candidate_gateway_url",
        "release_api_config",
        "candidate_revisions",
        "migrate_url",
        "db_users",
    } <= outputs
    variables = {unquote(k) for block in parsed(TF / "envs/qa/variables.tf")["variable"] for k in block}
    assert {"live_api_config", "live_revisions"} <= variables


def test_alert_conditions_are_accepted_before_any_metric_exists() -> None:
    """Provider 6.50.0, google/services/monitoring/resource_monitoring_alert_policy.go.

    disable_metric_validation: "allows alerting policies to be defined on metrics that do not yet
    exist" (on a first apply no function has exported anything); alert_rule: "must be a valid
    Prometheus label name", which a plan-time precondition checks.
    """
    alert = blocks(TF / "modules/observability/main.tf", "resource")["google_monitoring_alert_policy.alert"]
    condition = alert["conditions"][0]["condition_prometheus_query_language"][0]
    assert condition["disable_metric_validation"] is True
    assert condition["alert_rule"] == "${each.key}"
    (precondition,) = alert["lifecycle"][0]["precondition"]
    assert 'regex("^[a-zA-Z_][a-zA-Z0-9_]*$", each.key)' in precondition["condition"]


def test_a_function_can_read_its_secrets_and_use_its_roles_once_its_service_exists() -> None:
    """Grants on the function's account, before the service that runs as it (nothing else orders them)."""
    depends_on = function_service()["depends_on"]
    assert "${google_secret_manager_secret_iam_member.secrets}" in depends_on
    assert "${google_project_iam_member.roles}" in depends_on


def test_qa_destroys_and_recreates_while_prod_is_protected() -> None:
    """terraform/README.md: qa is destroyed between test campaigns and applied again; prod never is."""
    protection = {env: parsed(TF / f"envs/{env}/terraform.tfvars")["deletion_protection"] for env in ENVS}
    assert protection == {"qa": False, "prod": True}
    # Cloud SQL: every creation gets its own name (creation time, fixed in state), so a recreated
    # instance never asks for the name of the one just deleted.
    sql = blocks(TF / "modules/cloud_sql/main.tf", "resource")
    name = sql["terraform_data.instance_name"]
    assert "plantimestamp()" in name["input"] and name["lifecycle"][0]["ignore_changes"] == ["input"]
    assert sql["google_sql_database_instance.db"]["name"] == "${terraform_data.instance_name.output}"
    assert sql["google_sql_database_instance.db"]["deletion_protection"] == "${var.deletion_protection}"
    # The database goes with the instance: deleting it alone fails while IAM users hold grants.
    assert unquote(sql["google_sql_database.app"]["deletion_policy"]) == "ABANDON"
    wellness_main = (TF / "modules/wellness/main.tf").read_text()
    assert "${module.cloud_sql.instance_name}" in wellness_main  # CLOUD_SQL_INSTANCE follows the chosen name
    # Firestore: deleted when unprotected (the provider's default, ABANDON, would leave a (default)
    # database that the next apply cannot create again), kept when protected.
    firestore = blocks(TF / "modules/firestore/main.tf", "resource")["google_firestore_database.db"]
    assert firestore["deletion_policy"] == '${var.deletion_protection ? "ABANDON" : "DELETE"}'
    # The bundle bucket empties itself on destroy when unprotected.
    bucket = blocks(TF / "modules/source_bucket/main.tf", "resource")["google_storage_bucket.source"]
    assert bucket["force_destroy"] == "${var.force_destroy}"
    assert blocks(TF / "modules/wellness/main.tf", "module")["source_bucket"]["force_destroy"] == (
        "${!var.deletion_protection}"
    )


def test_the_migration_job_writes_logs_traces_and_metrics_like_every_function() -> None:
    migrate = blocks(TF / "modules/wellness/main.tf", "module")["migrate"]
    assert migrate["project_roles"] == "${distinct(concat(local.base_roles, local.roles_by_store.postgres))}"
    base = locals_of(TF / "modules/wellness/catalog.tf")["base_roles"]
    assert {unquote(role) for role in base} == {
        "roles/logging.logWriter",
        "roles/cloudtrace.agent",
        "roles/monitoring.metricWriter",
    }


# --- A new environment: terraform/bootstrap -----------------------------------------------------

BOOTSTRAP = TF / "bootstrap"


def test_the_bootstrap_enables_every_api_and_creates_the_pubsub_agent_first() -> None:
    apis = {
        unquote(api) for api in re.findall(r'"([a-z]+\.googleapis\.com)"', locals_of(BOOTSTRAP / "main.tf")["apis"])
    }
    # What the environment's resources call: Terraform's own resource types name their services.
    needed = {"run", "cloudbuild", "artifactregistry", "apigateway", "servicemanagement", "servicecontrol", "pubsub"}
    needed |= {"secretmanager", "sqladmin", "firestore", "cloudscheduler", "monitoring", "iamcredentials", "sts"}
    assert {f"{name}.googleapis.com" for name in needed} <= apis
    resources = blocks(BOOTSTRAP / "main.tf", "resource")
    agent = resources["google_project_service_identity.pubsub"]
    assert agent["provider"] == "google-beta" and unquote(agent["service"]) == "pubsub.googleapis.com"
    assert resources["google_project_service.api"]["disable_on_destroy"] is False


def test_the_deployer_may_grant_exactly_the_roles_the_environment_grants() -> None:
    bootstrap = locals_of(BOOTSTRAP / "main.tf")
    grantable = {unquote(role) for role in bootstrap["grantable_roles"]}
    catalog_locals = locals_of(TF / "modules/wellness/catalog.tf")
    granted = {unquote(r) for r in catalog_locals["base_roles"]}
    granted |= {unquote(r) for roles in catalog_locals["roles_by_store"].values() for r in roles}
    granted |= {
        unquote(r) for r in re.findall(r'"(roles/[\w.]+)"', str(blocks(TF / "modules/build/main.tf", "resource")))
    }
    granted -= {"roles/artifactregistry.writer"}  # on the repository, not the project
    assert grantable == granted
    condition = blocks(BOOTSTRAP / "main.tf", "resource")["google_project_iam_member.deployer_grants_function_roles"]
    assert "hasOnly(${jsonencode(local.grantable_roles)})" in condition["condition"][0]["expression"]
    roles = set(re.findall(r'"(roles/[\w.]+)"', bootstrap["deployer_roles"]))
    assert "roles/owner" not in roles and "roles/editor" not in roles
    # Source builds (Cloud Run, "Required roles" of build-service-account) and API Gateway's first config.
    assert {
        "roles/run.sourceDeveloper",
        "roles/serviceusage.serviceUsageConsumer",
        "roles/servicemanagement.admin",
    } <= roles


def test_github_tokens_are_admitted_only_from_the_deploy_workflow_of_the_environments_ref() -> None:
    bootstrap = locals_of(BOOTSTRAP / "main.tf")
    assert {env: unquote(ref) for env, ref in bootstrap["ref_condition"].items()} == {
        "qa": "assertion.ref == 'refs/heads/develop'",
        "prod": "assertion.ref.startsWith('refs/tags/v')",
    }
    condition = bootstrap["attribute_condition"]
    for part in (
        "assertion.repository_id == '${var.github_repository_id}'",
        "assertion.environment == '${var.environment}'",
        "local.ref_condition[var.environment]",
        "assertion.event_name in ['push', 'workflow_dispatch']",  # a release, or its rollback job
        "assertion.workflow_ref.startsWith('${var.github_repository}/${var.deploy_workflow}@')",
    ):
        assert part in condition, part
    resources = blocks(BOOTSTRAP / "main.tf", "resource")
    provider = resources["google_iam_workload_identity_pool_provider.github"]
    assert provider["attribute_condition"] == "${local.attribute_condition}"
    assert unquote(provider["oidc"][0]["issuer_uri"]) == "https://token.actions.githubusercontent.com"
    binding = resources["google_service_account_iam_member.github_acts_as_deployer"]
    assert binding["member"].endswith('/subject/repo:${var.github_repository}:environment:${var.environment}"')
    for env in ENVS:
        tfvars = parsed(BOOTSTRAP / f"{env}.tfvars")
        assert unquote(tfvars["environment"]) == env
        assert unquote(tfvars["project_id"]) == unquote(parsed(TF / f"envs/{env}/terraform.tfvars")["project_id"])


def variable_block(path: Path, name: str) -> str:
    """The text of `variable "name" { ... }` in a file (braces matched), to evaluate it on its own."""
    text = path.read_text()
    start = text.index(f'variable "{name}" {{')
    depth = 0
    for end in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if text[end] == "}" and depth == 0:
            return text[start : end + 1]
    raise AssertionError(f"{path}: variable {name} is not closed")


@pytest.mark.parametrize(
    ("environment", "channels", "refused"),
    [
        ("prod", [], "prod needs at least one notification channel"),
        ("prod", ["projects/p/notificationChannels/12"], None),
        ("qa", [], None),
        ("qa", ["my-email"], "notification_channels are ids"),
    ],
)
def test_prod_must_page_someone(tmp_path: Path, environment: str, channels: list[str], refused: str | None) -> None:
    """The wellness module's own validations, evaluated by terraform itself (no provider needed)."""
    variables = TF / "modules/wellness/variables.tf"
    (tmp_path / "main.tf").write_text(
        variable_block(variables, "environment") + "\n" + variable_block(variables, "notification_channels") + "\n"
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1"}
    terraform = shutil.which("terraform")
    assert terraform
    subprocess.run([terraform, "init", "-input=false"], cwd=tmp_path, env=env, check=True, capture_output=True)
    plan = subprocess.run(
        [
            terraform,
            "plan",
            "-input=false",
            "-no-color",
            "-var",
            f"environment={environment}",
            "-var",
            f"notification_channels={json.dumps(channels)}",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if refused is None:
        assert plan.returncode == 0, plan.stderr
    else:
        assert plan.returncode != 0 and refused in " ".join(plan.stderr.split()), plan.stderr
    prod = parsed(TF / "envs/prod/terraform.tfvars")["notification_channels"]
    assert prod, "prod's settings name at least one channel"


def test_the_image_tag_is_the_bundle_hash_of_the_archive_cloud_run_builds_take() -> None:
    """Bundles are .tar.gz (Cloud Run v2 StorageSource: "must be a gzipped archive file (.tar.gz)")."""
    bundle_hash = locals_of(TF / "modules/function/main.tf")["bundle_hash"]
    assert f'"{package.SUFFIX}")' in bundle_hash
    assert package.bundle_name("auth-jwks").endswith(package.SUFFIX)


def test_every_http_function_verifies_the_forwarded_token_against_the_jwks_url() -> None:
    """VERIFY_FORWARDED_TOKEN (wellness.platform.identity): run.invoker on a function is not enough to act as anyone.

    The JWKS is auth-jwks's deterministic URL (the function module's `host`), not a module output,
    so no revision waits on another's; functions fail their cold start without it (runtime.function_runtime).
    """
    wellness_locals = locals_of(TF / "modules/wellness/main.tf")
    verify = wellness_locals["verify_env"]
    assert unquote(verify["VERIFY_FORWARDED_TOKEN"]) == "true"
    host = unquote(locals_of(TF / "modules/function/main.tf")["host"])
    assert host == "${var.name}-${var.project_number}.${var.region}.run.app"
    jwks_url = "https://${local.jwks_function}-${local.project_number}.${var.region}.run.app/v1/auth/jwks"
    assert unquote(verify["JWT_JWKS_URI"]) == jwks_url
    assert 'f.kind == "http" ? local.verify_env : {}' in str(wellness_locals["env"])
