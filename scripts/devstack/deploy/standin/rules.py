"""What Google's APIs refuse on a first apply, checked by the stand-in at apply time.

Each rule names the page or source that states it. The stand-in project's state outside
Terraform (secret versions added with gcloud, metrics written by running code) lives in the
world directory, one JSON file, written by the stand-in provider and by the rehearsal's
stand-ins of gcloud and the release tool.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Prometheus: "Label names may contain ASCII letters, numbers, as well as underscores. They must
# match the regex [a-zA-Z_][a-zA-Z0-9_]*" (prometheus.io/docs/concepts/data_model). The provider's
# alert_rule ("The alerting rule name of this alert in the corresponding Prometheus
# configuration file") is sent as that rule's `alertname` label.
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
# A metric in PromQL: a bare name before a selector/range, or the first quoted name in braces.
_BARE_METRIC = re.compile(r"(?<![\w\".])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{\[]")
_QUOTED_METRIC = re.compile(r"\{\s*\"([^\"]+)\"\s*[,}]")
_PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}


# The resource types the world records, because something outside the provider looks them up:
# secrets (gcloud's versions), Cloud SQL instances (the Admin API stand-in; a deleted name),
# Firestore databases (abandoned, then imported), bucket objects (builds:submit's source, a
# bucket's destroy). Every other apply leaves world.json alone: rewriting it for each of a
# configuration's ~800 resources made an apply or a destroy quadratic in their number.
LOOKED_UP = frozenset(
    {
        "google_secret_manager_secret",
        "google_sql_database_instance",
        "google_firestore_database",
        "google_storage_bucket_object",
    }
)


@dataclasses.dataclass(frozen=True)
class Problem:
    summary: str
    detail: str


class World:
    """What exists in the stand-in project besides Terraform's resources (world.json)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "world.json"

    def read(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {"secret_versions": {}, "metrics": [], "resources": {}}
        data: dict[str, Any] = json.loads(self.path.read_text())
        return data

    def write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(self.path)

    @contextlib.contextmanager
    def changing(self) -> Iterator[dict[str, Any]]:
        """The world to change, written back on exit; one writer at a time (providers run in parallel)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with (self.path.parent / "world.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self.read()
            yield data
            self.write(data)

    def enabled_versions(self, secret: str) -> int:
        return int(self.read()["secret_versions"].get(secret.rsplit("/", 1)[-1], 0))

    def add_secret_version(self, secret: str) -> None:
        with self.changing() as data:
            data["secret_versions"][secret] = data["secret_versions"].get(secret, 0) + 1

    def metric_exists(self, metric: str) -> bool:
        # Google's own metrics (Pub/Sub, Cloud Run, ...) exist in every project.
        return "googleapis_com:" in metric or metric in self.read()["metrics"]

    def remember(self, type_name: str, state: dict[str, Any], prior: dict[str, Any] | None = None) -> None:
        if type_name not in LOOKED_UP:
            return
        with self.changing() as data:
            data["resources"].setdefault(type_name, {})[str(state.get("id"))] = True
            if type_name == "google_storage_bucket_object":  # what builds:submit reads
                if prior:  # a new name is a new object (the provider replaces it): the old one goes
                    data.setdefault("objects", {}).pop(f"{prior.get('bucket')}/{prior.get('name')}", None)
                data.setdefault("objects", {})[f"{state.get('bucket')}/{state.get('name')}"] = state.get("source")

    def forget(self, type_name: str, state: dict[str, Any] | None) -> None:
        state = state or {}
        if type_name not in LOOKED_UP:
            return
        with self.changing() as data:
            data["resources"].get(type_name, {}).pop(str(state.get("id")), None)
            if type_name == "google_secret_manager_secret":
                data["secret_versions"].pop(str(state.get("secret_id")), None)  # versions go with it
            if type_name == "google_storage_bucket_object":
                data.setdefault("objects", {}).pop(f"{state.get('bucket')}/{state.get('name')}", None)
            if type_name == "google_sql_database_instance":
                data.setdefault("deleted_sql_instances", []).append(state.get("name"))
            if abandoned(type_name, state):  # still there, with its data: `terraform import` takes it back
                data.setdefault("abandoned_databases", []).append(state.get("name"))
                data.setdefault("abandoned", {})[f"{type_name}/{state.get('name')}"] = state

    def kept(self) -> dict[str, dict[str, Any]]:
        """What destroys abandoned: {TYPE/NAME: its last state}."""
        kept: dict[str, dict[str, Any]] = self.read().get("abandoned", {})
        return kept

    def adopt(self, type_name: str, import_id: str) -> dict[str, Any] | None:
        """`terraform import` of an abandoned resource (id `projects/P/databases/NAME` or NAME): its state."""
        name = import_id.rsplit("/", 1)[-1]
        with self.changing() as data:
            state: dict[str, Any] | None = data.get("abandoned", {}).pop(f"{type_name}/{name}", None)
            if state is not None:
                data["abandoned_databases"].remove(name)
                data["resources"].setdefault(type_name, {})[str(state.get("id"))] = True
        return state

    def add_object(self, bucket: str, name: str, source: str) -> None:
        with self.changing() as data:
            data.setdefault("objects", {})[f"{bucket}/{name}"] = source


def metrics_of(query: str) -> set[str]:
    found = {m for m in _QUOTED_METRIC.findall(query)}
    found |= {m for m in _BARE_METRIC.findall(query) if m not in _PROMQL_WORDS and not _is_function(query, m)}
    return found


def _is_function(query: str, name: str) -> bool:
    return re.search(rf"(?<![\w\".]){re.escape(name)}\s*\(", query) is not None and not re.search(
        rf"(?<![\w\".]){re.escape(name)}\s*[{{\[]", query
    )


def alert_policy(state: dict[str, Any], world: World) -> list[Problem]:
    problems = []
    for condition in state.get("conditions") or []:
        for promql in condition.get("condition_prometheus_query_language") or []:
            rule = promql.get("alert_rule")
            if rule is not None and not LABEL_NAME.fullmatch(rule):
                problems.append(
                    Problem(
                        f"Error creating AlertPolicy: alert_rule {rule!r} is not a valid Prometheus label name",
                        "alert_rule must match [a-zA-Z_][a-zA-Z0-9_]* (prometheus.io/docs/concepts/data_model; "
                        "the provider's condition_prometheus_query_language.alert_rule).",
                    )
                )
            if promql.get("disable_metric_validation"):
                continue
            missing = sorted(m for m in metrics_of(str(promql.get("query", ""))) if not world.metric_exists(m))
            if missing:
                problems.append(
                    Problem(
                        f"Error creating AlertPolicy: the query's metric(s) {missing} do not exist in the project",
                        "A PromQL condition is validated against existing metrics unless "
                        "disable_metric_validation = true (google provider 6.50.0, "
                        "resource_monitoring_alert_policy.go: 'Whether to disable metric existence validation "
                        "for this condition'). A new project has none of the application's metrics.",
                    )
                )
    return problems


def cloud_run_service(state: dict[str, Any], world: World) -> list[Problem]:
    """A revision whose secret env var names a secret with no enabled version never becomes ready.

    cloud.google.com/run/docs/configuring/services/secrets: the secret (and the version named,
    `latest` by default) must exist and the service account must be able to access it when the
    instance starts; otherwise the revision fails to start.
    """
    problems = []
    for template in state.get("template") or []:
        for container in template.get("containers") or []:
            for env in container.get("env") or []:
                for source in env.get("value_source") or []:
                    for ref in source.get("secret_key_ref") or []:
                        secret = str(ref.get("secret"))
                        if world.enabled_versions(secret) == 0:
                            problems.append(
                                Problem(
                                    f"Error waiting to create Service: revision {template.get('revision')!r} "
                                    f"is not ready: secret {secret!r} has no enabled version (env {env.get('name')})",
                                    "Cloud Run resolves secret environment variables when an instance starts "
                                    "(cloud.google.com/run/docs/configuring/services/secrets); give the secret a "
                                    "version before the service, or read it after startup.",
                                )
                            )
    return problems


def sql_instance(state: dict[str, Any], world: World) -> list[Problem]:
    """A deleted Cloud SQL instance's name cannot be reused for up to a week."""
    if state.get("name") in world.read().get("deleted_sql_instances", []):
        return [
            Problem(
                f"Error creating DatabaseInstance: {state.get('name')!r} is the name of a recently deleted instance",
                "cloud.google.com/sql/docs/postgres/delete-instance: an instance name cannot be reused for up to "
                "one week after the instance is deleted. A destroy-then-apply needs a new name (e.g. a suffix).",
            )
        ]
    return []


def firestore_database(state: dict[str, Any], world: World) -> list[Problem]:
    """A database Terraform 'destroyed' with deletion_policy ABANDON is still there."""
    if state.get("name") in world.read().get("abandoned_databases", []):
        return [
            Problem(
                f"Error creating Database: database {state.get('name')!r} already exists",
                "google_firestore_database's deletion_policy defaults to ABANDON: destroy removes it from the "
                "state and leaves the database (provider docs, firestore_database). Set DELETE where the "
                "environment is destroyed and re-created.",
            )
        ]
    return []


CHECKS = {
    "google_monitoring_alert_policy": alert_policy,
    "google_cloud_run_v2_service": cloud_run_service,
    "google_sql_database_instance": sql_instance,
    "google_firestore_database": firestore_database,
}


def check(type_name: str, state: dict[str, Any], world: World) -> list[Problem]:
    rule = CHECKS.get(type_name)
    return rule(state, world) if rule else []


def check_update(type_name: str, state: dict[str, Any], world: World) -> list[Problem]:
    """An update is checked like a create, but for the name rules (the resource already exists)."""
    if type_name in ("google_sql_database_instance", "google_firestore_database"):
        return []
    return check(type_name, state, world)


PROTECTED = "deletion protection"  # in every protection problem's summary (the rehearsal looks for it)


def protection(type_name: str, state: dict[str, Any]) -> list[Problem]:
    """Resources with deletion protection on are not destroyed (the provider's own check, or the API's)."""
    if state.get("deletion_protection") is True or state.get("delete_protection_state") == "DELETE_PROTECTION_ENABLED":
        return [
            Problem(
                f"Error: cannot destroy {type_name} {state.get('name')!r}: {PROTECTED} is on",
                "Set deletion_protection = false (Firestore: delete_protection_state = DELETE_PROTECTION_DISABLED) "
                "and apply before destroying (provider 6.50.0 docs of sql_database_instance, "
                "cloud_run_v2_service, firestore_database).",
            )
        ]
    return []


def abandoned(type_name: str, state: dict[str, Any]) -> bool:
    """A destroy only forgets it: Firestore's deletion_policy ABANDON (the default), checked before its protection.

    provider 6.50.0, google/services/firestore/resource_firestore_database.go, Delete: `if
    deletionPolicy != "DELETE" { ... skipping deletion; return nil }`, then the
    DELETE_PROTECTION_ENABLED error.
    """
    return type_name == "google_firestore_database" and state.get("deletion_policy") in (None, "ABANDON")


def check_destroy(type_name: str, state: dict[str, Any], world: World) -> list[Problem]:
    """Deletion protection; a bucket holding objects Terraform does not manage needs force_destroy."""
    if abandoned(type_name, state):
        return []
    protected = protection(type_name, state)
    if protected or type_name != "google_storage_bucket" or state.get("force_destroy"):
        return protected
    prefix = f"{state.get('name')}/"
    left = sorted(k.removeprefix(prefix) for k in world.read().get("objects", {}) if k.startswith(prefix))
    if not left:
        return []
    return [
        Problem(
            f"Error trying to delete bucket {state.get('name')} containing objects without force_destroy set to true",
            f"It still holds {left[:3]}, which Terraform does not manage (the release's uploads). The provider "
            "deletes a non-empty bucket only with force_destroy = true (resource_storage_bucket.go).",
        )
    ]
