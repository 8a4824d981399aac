"""The function catalog (functions/catalog.yaml) and the contracts, loaded and joined.

Everything that needs the list of functions (the local stack, the gateway, packaging,
Terraform checks, CI) reads it from here, so there is one list.

    >>> cat = load_catalog()
    >>> cat.function("auth-signup").route
    'POST /v1/auth/signup'
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from pathlib import Path
from typing import Any

from wellness.platform.strict_yaml import read_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
CONTRACTS_DIR = REPO_ROOT / "contracts"
KINDS = ("http", "subscriber", "job")
STORES = ("postgres", "firestore", "pubsub")
SETTINGS = ("MAIL_FROM", "PASSWORD_RESET_URL")  # what Terraform can set from an environment's variables


@dataclasses.dataclass(frozen=True)
class Function:
    name: str
    kind: str
    domain: str
    stores: tuple[str, ...]
    secrets: tuple[str, ...]
    memory: str
    timeout: int
    max_instances: int
    cpu: str = "1"
    startup_cpu_boost: bool = False
    concurrency: int = 1
    warm: bool = False
    cold_start_ms: int | None = None  # the budget from spawn to first 2xx at `cpu` (scripts/bench-cold-start --cpu)
    settings: tuple[str, ...] = ()
    route: str | None = None
    topic: str | None = None
    schedule: str | None = None
    packages: tuple[str, ...] = ()
    publishes: tuple[str, ...] = ()  # the topics it may publish to ("all": the outbox relay)
    reads: tuple[str, ...] = ()  # other Postgres domains whose tables it may read (SELECT), besides its own

    @property
    def release_job(self) -> bool:
        """A job the deploy calls once per release (no schedule), such as db-migrate; the local stack skips it."""
        return self.kind == "job" and self.schedule is None

    @property
    def source_dir(self) -> Path:
        return FUNCTIONS_DIR / self.name

    @property
    def backend_variable(self) -> str:
        """The placeholder name that stands for this function's URL in openapi.yaml."""
        return "backend_" + self.name.replace("-", "_")

    @property
    def method(self) -> str | None:
        return self.route.split(" ", 1)[0] if self.route else None

    @property
    def path(self) -> str | None:
        return self.route.split(" ", 1)[1] if self.route else None


@dataclasses.dataclass(frozen=True)
class Subscription:
    name: str
    topic: str
    function: str
    ack_deadline_seconds: int
    max_delivery_attempts: int
    minimum_backoff_seconds: int
    maximum_backoff_seconds: int

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.name}.dead-letter"

    @property
    def dead_letter_hold(self) -> str:
        return f"{self.name}.dead-letter.hold"


@dataclasses.dataclass(frozen=True)
class Catalog:
    functions: tuple[Function, ...]
    topics: dict[str, dict[str, Any]]
    subscriptions: tuple[Subscription, ...]

    def function(self, name: str) -> Function:
        for fn in self.functions:
            if fn.name == name:
                return fn
        raise KeyError(f"no function {name!r} in functions/catalog.yaml")

    @cached_property
    def domains(self) -> tuple[str, ...]:
        return tuple(sorted({fn.domain for fn in self.functions}))

    def select(self, domains: list[str] | tuple[str, ...] | None) -> tuple[Function, ...]:
        """The functions of these domains (all when none are named) that the local stack runs.

        The platform domain (the outbox relay) comes along whenever a selected
        function publishes, since nothing would leave the outbox without it. Release
        jobs (db-migrate) are left out: the stack migrates the database itself.
        """
        if not domains:
            return tuple(fn for fn in self.functions if not fn.release_job)
        unknown = set(domains) - set(self.domains)
        if unknown:
            raise KeyError(f"unknown domain(s) {sorted(unknown)}; known: {list(self.domains)}")
        chosen = [fn for fn in self.functions if fn.domain in domains]
        if any("pubsub" in fn.stores for fn in chosen):
            chosen += [fn for fn in self.functions if fn.domain == "platform" and fn not in chosen]
        return tuple(fn for fn in chosen if not fn.release_job)


def load_catalog(functions_dir: Path = FUNCTIONS_DIR, contracts_dir: Path = CONTRACTS_DIR) -> Catalog:
    raw = read_yaml(functions_dir / "catalog.yaml")
    defaults = raw.get("defaults", {})
    functions = []
    for name, spec in raw["functions"].items():
        if spec["kind"] not in KINDS:
            raise ValueError(f"{name}: kind must be one of {KINDS}")
        bad_stores = set(spec.get("stores", [])) - set(STORES)
        if bad_stores:
            raise ValueError(f"{name}: unknown stores {sorted(bad_stores)}")
        bad_settings = set(spec.get("settings", [])) - set(SETTINGS)
        if bad_settings:
            raise ValueError(f"{name}: unknown settings {sorted(bad_settings)}; Terraform sets {SETTINGS}")
        publishes = spec.get("publishes", [])
        publishes = ["all"] if publishes == "all" else list(publishes)
        if publishes and "pubsub" not in spec.get("stores", []):
            raise ValueError(f"{name}: publishes needs the pubsub store")
        if "all" in publishes and (spec["kind"] != "job" or spec["domain"] != "platform"):
            raise ValueError(f"{name}: only the platform's relay job may publish to every topic")
        reads = list(spec.get("reads", []))
        if reads and "postgres" not in spec.get("stores", []):
            raise ValueError(f"{name}: reads needs the postgres store")
        if spec["domain"] in reads:
            raise ValueError(f"{name}: reads names other domains; its own domain's tables are its own")
        # Sizing: the function's own value, else its kind's, else the catalog-wide default.
        sized = {**defaults, **defaults.get("sizing", {}).get(spec["kind"], {}), **spec}
        budget = sized.get("cold_start_ms")
        if budget is not None and (not isinstance(budget, int) or isinstance(budget, bool) or budget <= 0):
            raise ValueError(f"{name}: cold_start_ms must be a positive whole number of milliseconds")
        if spec["kind"] == "http" and budget is None:
            raise ValueError(f"{name}: a user-facing function needs a cold_start_ms budget")
        functions.append(
            Function(
                name=name,
                kind=spec["kind"],
                domain=spec["domain"],
                stores=tuple(spec.get("stores", [])),
                secrets=tuple(spec.get("secrets", [])),
                memory=str(sized.get("memory", "512Mi")),
                timeout=int(sized.get("timeout", 30)),
                max_instances=int(sized.get("max_instances", 10)),
                cpu=str(sized.get("cpu", "1")),
                startup_cpu_boost=bool(sized.get("startup_cpu_boost", False)),
                concurrency=int(sized.get("concurrency", 1)),
                warm=bool(spec.get("warm", False)),
                cold_start_ms=budget,
                settings=tuple(spec.get("settings", [])),
                route=spec.get("route"),
                topic=spec.get("topic"),
                schedule=spec.get("schedule"),
                packages=tuple(spec.get("packages", [])),
                publishes=tuple(publishes),
                reads=tuple(reads),
            )
        )
    topics_raw = read_yaml(contracts_dir / "topics.yaml")
    topics = topics_raw["topics"]
    return Catalog(tuple(functions), topics, _subscriptions(functions, topics, topics_raw.get("defaults", {})))


def _subscriptions(
    functions: list[Function], topics: dict[str, dict[str, Any]], defaults: dict[str, Any]
) -> tuple[Subscription, ...]:
    """One push subscription per subscriber, named after it, on its catalog `topic` (topics.yaml's defaults).

    The catalog is the one place a subscriber's topic is declared: topics.yaml names the topics only.
    """
    listed = [topic for topic, spec in topics.items() if "subscriptions" in (spec or {})]
    if listed:
        raise ValueError(
            f"contracts/topics.yaml: {listed} list subscriptions; a subscriber's topic is its `topic` in "
            "functions/catalog.yaml, and its subscription is derived from it"
        )
    subscriptions = []
    for fn in functions:
        if fn.kind != "subscriber":
            continue
        if fn.topic not in topics:
            raise ValueError(f"{fn.name}: topic {fn.topic!r} is not in contracts/topics.yaml")
        subscriptions.append(
            Subscription(
                name=fn.name,
                topic=fn.topic,
                function=fn.name,
                ack_deadline_seconds=int(defaults["ack_deadline_seconds"]),
                max_delivery_attempts=int(defaults["max_delivery_attempts"]),
                minimum_backoff_seconds=int(defaults["minimum_backoff_seconds"]),
                maximum_backoff_seconds=int(defaults["maximum_backoff_seconds"]),
            )
        )
    return tuple(subscriptions)
