"""Deterministic values for computed attributes, in the formats Google gives them.

The formats that other resources consume (ids passed as references, e-mails bound in IAM, URLs
and host names) follow the provider's documentation for 6.50.0; any other computed attribute
gets a placeholder of its type. The same configuration always gets the same values, so a
second plan shows no change and a destroy and apply give back the same outputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any


@dataclasses.dataclass(frozen=True)
class Context:
    type_name: str
    project: str
    region: str


def project_number(project: str) -> str:
    """A stable 12-digit number for a project id (the data source and run.app URLs agree)."""
    return str(100000000000 + int(hashlib.sha256(project.encode()).hexdigest(), 16) % 900000000000)


def _get(state: dict[str, Any], name: str, default: str) -> str:
    value = state.get(name)
    return value if isinstance(value, str) and value else default


def _special(ctx: Context, attr: str, state: dict[str, Any]) -> str | None:
    project = _get(state, "project", ctx.project)
    region = _get(state, "location", _get(state, "region", ctx.region))
    name = _get(state, "name", "")
    t = ctx.type_name
    if t == "google_project":
        pid = _get(state, "project_id", ctx.project)
        return {"number": project_number(pid), "id": f"projects/{pid}", "name": pid, "project_id": pid}.get(attr)
    if t == "google_service_account":
        email = f"{state.get('account_id')}@{project}.iam.gserviceaccount.com"
        return {
            "email": email,
            "member": f"serviceAccount:{email}",
            "name": f"projects/{project}/serviceAccounts/{email}",
            "id": f"projects/{project}/serviceAccounts/{email}",
            "unique_id": project_number(email),
        }.get(attr)
    if t == "google_cloud_run_v2_service":
        host = f"{name}-{project_number(project)}.{region}.run.app"
        return {"uri": f"https://{host}", "id": f"projects/{project}/locations/{region}/services/{name}"}.get(attr)
    if t == "google_pubsub_topic" and attr == "id":
        return f"projects/{project}/topics/{name}"
    if t == "google_pubsub_subscription" and attr == "id":
        return f"projects/{project}/subscriptions/{name}"
    if t == "google_sql_database_instance":
        return {"connection_name": f"{project}:{region}:{name}", "id": name}.get(attr)
    if t == "google_artifact_registry_repository" and attr in ("name", "id"):
        return f"projects/{project}/locations/{region}/repositories/{state.get('repository_id')}"
    if t == "google_api_gateway_api_config" and attr in ("name", "id"):
        return f"projects/{project}/locations/global/apis/{state.get('api')}/configs/{state.get('api_config_id')}"
    if t == "google_api_gateway_gateway" and attr == "default_hostname":
        return f"{state.get('gateway_id')}-{project_number(str(state.get('gateway_id')))[:8]}.ew.gateway.dev"
    if t == "google_monitoring_alert_policy" and attr in ("name", "id"):
        return f"projects/{project}/alertPolicies/{project_number(str(state.get('display_name')))}"
    if t == "google_monitoring_slo" and attr in ("name", "id"):
        return f"projects/{project}/services/{state.get('service')}/serviceLevelObjectives/{state.get('slo_id')}"
    if t == "google_secret_manager_secret" and attr in ("name", "id"):
        return f"projects/{project_number(project)}/secrets/{state.get('secret_id')}"
    return None


# Computed attributes the provider sets at plan (CustomizeDiff): google_service_account's
# `email` and `member` since 6.8 (GoogleCloudPlatform/magic-modules#11929: "made
# google_service_account email and member fields available during plan").
AT_PLAN = {"google_service_account": ("email", "member")}


def at_plan(ctx: Context, state: dict[str, Any]) -> dict[str, Any]:
    """The computed attributes known at plan, from the planned arguments (all of them known)."""
    names = AT_PLAN.get(ctx.type_name, ())
    if not names or any(not isinstance(state.get(k), str) for k in ("account_id",)):
        return {}
    return {name: _special(ctx, name, state) for name in names}


def computed(ctx: Context, path: tuple[str, ...], cty_type: Any, state: dict[str, Any]) -> Any:
    """The value a computed attribute takes at apply (path: its blocks, then its name)."""
    if len(path) == 1:
        special = _special(ctx, path[0], state)
        if special is not None:
            return special
    if cty_type == "string":
        if path[-1] == "id":
            key = "/".join(f"{k}={v}" for k, v in sorted(state.items()) if isinstance(v, str) and k != "id")
            return f"{ctx.type_name}/{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        return f"standin-{'.'.join(path)}"
    if cty_type == "number":
        return 0
    if cty_type == "bool":
        return False
    if isinstance(cty_type, list) and cty_type[0] == "map":
        return {}
    if isinstance(cty_type, list) and cty_type[0] in ("list", "set"):
        return []
    return None
