"""What the local stack runs and with which environment: paths, modules, function_env().

Kept apart from stack.py so tests can build the exact environment a function gets
locally (function_env) and so a test can point the stack at stand-in functions,
migrations or gateway (Layout) without touching the real ones.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from devstack.catalog import CONTRACTS_DIR, FUNCTIONS_DIR, REPO_ROOT

PROJECT = "wellness-local"
JWT_ISSUER = "wellness-local"
JWT_AUDIENCE = "wellness-app"
DEFAULT_STATE_DIR = REPO_ROOT / ".local" / "dev"
SHARED_DIR = REPO_ROOT / "shared"
SCRIPTS_DIR = REPO_ROOT / "scripts"
CLIENT_DIR = REPO_ROOT / "clients" / "python"  # the client generated from the contract (wellness_api_client)
# The tooling's import path, as scripts/_venv.sh sets it: a tool run in a subprocess gets all three
# (the load users verify through devstack.stack.accounts, which calls the API with the generated client).
TOOL_PATH = (SCRIPTS_DIR, SHARED_DIR, CLIENT_DIR)


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where the stack finds its pieces. The default is this repository."""

    functions_dir: Path = FUNCTIONS_DIR
    contracts_dir: Path = CONTRACTS_DIR
    # PYTHONPATH of the tools (migrate, seed, gateway, scheduler) and of the functions:
    # a deployed function has only the vendored library beside it, so only shared/.
    tool_path: tuple[Path, ...] = TOOL_PATH
    function_path: tuple[Path, ...] = (SHARED_DIR,)
    migrate_module: str = "wellness.migrations"
    seed_module: str = "wellness.seed"
    gateway_module: str = "devstack.gateway.server"
    scheduler_module: str = "devstack.stack.scheduler"
    mailsink_module: str = "devstack.stack.mailsink"
    otlp_receiver_module: str = "devstack.stack.otlp_receiver"
    console_module: str = "devstack.console.server"

    def has_module(self, module: str) -> bool:
        """Whether `python -m module` would find it on tool_path (without importing it)."""
        rel = Path(*module.split("."))
        return any((d / f"{rel}.py").is_file() or (d / rel / "__init__.py").is_file() for d in self.tool_path)

    def tool_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**os.environ, **(extra or {}), "PYTHONPATH": _pathsep(self.tool_path), "PYTHONUNBUFFERED": "1"}


def _pathsep(paths: Iterable[Path]) -> str:
    return os.pathsep.join(str(p) for p in paths)


def function_env(
    name: str | None,
    *,
    database_url: str,
    pubsub_host: str,
    firestore_host: str,
    keyset_json: str,
    state_dir: Path,
    pythonpath: Iterable[Path] = (SHARED_DIR,),
    project: str = PROJECT,
    smtp_port: int | None = None,
    reset_key: str | None = None,
    otlp_port: int | None = None,
) -> dict[str, str]:
    """The variables a function process gets locally (name None: all but FUNCTION_NAME).

    The same names as in the cloud (wellness.platform.config reads them), with local values:
    secrets from the environment; traces and metrics over OTLP to the stack's receiver (which
    writes the spans where `scripts/dev traces` reads them), or, without one, spans straight
    to that file.
    """
    env = {
        "GOOGLE_CLOUD_PROJECT": project,
        "APP_ENV": "local",
        "DATABASE_URL": database_url,
        "PUBSUB_EMULATOR_HOST": pubsub_host,
        "FIRESTORE_EMULATOR_HOST": firestore_host,
        "SECRETS_BACKEND": "env",
        "SECRET_JWT_SIGNING_KEYS": keyset_json,
        "SECRET_JWT_PUBLIC_KEYS": _public_keys(keyset_json),
        "SECRET_THROTTLE_KEY": ensure_secret_file(Path(state_dir) / "throttle-key"),
        # The release smoke's verification key (README, "Deploying"): scripts/smoke --smoke-key-file reads the file.
        "SECRET_SMOKE_KEY": ensure_secret_file(smoke_key_file(state_dir)),
        "JWT_ISSUER": JWT_ISSUER,
        "JWT_AUDIENCE": JWT_AUDIENCE,
        "TRACE_EXPORTER": "file",
        "TRACE_FILE": str(Path(state_dir).resolve() / "traces.jsonl"),
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": _pathsep(Path(p) for p in pythonpath),
        "PYTHONUNBUFFERED": "1",
        # One machine is one client: the throttles per client would stop the test suites (their failed
        # logins and reset requests add up across a session). Per address they stay as deployed.
        "SIGNUP_MAX_PER_CLIENT": "100000",
        "LOGIN_MAX_FAILURES_CLIENT": "100000",
        "PASSWORD_RESET_MAX_PER_CLIENT": "100000",
        "EMAIL_VERIFICATION_MAX_PER_CLIENT": "100000",
        # Reports count toward hiding from accounts 10 s old (a day in the cloud), so tests can show both.
        "COMMUNITY_REPORT_MIN_ACCOUNT_AGE_SECONDS": "10",
    }
    if otlp_port is not None:
        env.update(
            TRACE_EXPORTER="otlp",
            METRICS_EXPORTER="otlp",
            OTLP_ENDPOINT=f"http://127.0.0.1:{otlp_port}",
            # The shortest interval Google would accept: local dashboards and tests see points soon.
            METRICS_INTERVAL_SECONDS="5",
        )
    if smtp_port is not None:  # mail goes to the stack's SMTP sink (scripts/dev mail reads it)
        env.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
    if reset_key is not None:
        env["SECRET_PASSWORD_RESET_KEY"] = reset_key
    if name is not None:
        env["FUNCTION_NAME"] = name
    return env


def _public_keys(keyset_json: str) -> str:
    """What scripts/bootstrap-secrets writes to `jwt-public-keys` in the cloud: the keyset's JWKS."""
    from wellness.auth.keys import KeysetError, public_jwks_json

    try:
        return public_jwks_json(keyset_json)
    except KeysetError:  # no usable keyset (a test's placeholder): nothing to publish
        return '{"keys": []}'


def smoke_key_file(state_dir: Path | str) -> Path:
    """The local stack's `smoke-key` (what Secret Manager holds in the cloud), for `scripts/smoke --smoke-key-file`."""
    return Path(state_dir) / "smoke-key"


def ensure_secret_file(path: Path) -> str:
    """A random local secret kept in a private file (created on first use), e.g. the password-reset key."""
    if path.exists():
        return path.read_text().strip()
    import secrets

    value = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def ensure_keyset(path: Path) -> tuple[str, bool]:
    """The local JWT signing keyset, generated on first use; (keyset json, whether it was created).

    Kept across `up`/`down` so tokens a developer saved keep working.
    """
    if path.exists():
        raw = path.read_text()
        json.loads(raw)["keys"]  # noqa: B018 (fail here, not in 30 functions, on a damaged file)
        return raw, False
    from wellness.auth.keys import new_keyset_json

    raw = new_keyset_json()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # a private key: owner only
    with os.fdopen(fd, "w") as fh:
        fh.write(raw)
    return raw, True


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    except FileNotFoundError:
        return None
    except ValueError:
        return {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)  # atomic: a concurrent `status` never reads half a file
