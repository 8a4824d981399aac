"""Rehearse an environment's releases with the real Terraform CLI on the stand-in providers.

    scripts/rehearse-deploy qa|prod [--keep DIR] [--base-url GATEWAY] [--scenario NAME ...] [--state-dir DIR]

Works in a scratch copy (`Workspace`): terraform/ copied, the rest of the repository linked, so
nothing in the checkout changes. The env root's `backend "gcs" {}` is replaced by an http
backend on 127.0.0.1 in an override file (`standin_override.tf`; `state_backend.py` says why
that one): the gcs backend would need a Cloud Storage JSON API stand-in with OAuth for what is
only where the state is kept, and the rehearsal checks the configuration, not Google's storage.
While a Workspace is entered (`with`), that backend and the two stand-in providers run
(`install.Providers`: every terraform command after init reattaches to them). `gcloud` is a
stand-in on PATH (`gcloud.py`); the image builds and the Cloud SQL Admin API go to `apis.py`
through GOOGLE_APIS_ENDPOINT, and Cloud SQL itself is a local PostgreSQL cluster (`cloudsql.py`);
nothing leaves 127.0.0.1.

Steps (each printed with its time; `Release.steps`): package → init → plan → every step of
deploy.yml's deploy job for a first release (`PLAYED`; the rest, `NOT_PLAYED`, says why not) →
one bundle changes → the same job again, whose candidate apply may change that function's
resources only (the state before and after it) → plan shows no change → destroy
(`Release.destroy`: all of qa; where prod's data lives) → (prod) import what the destroy kept →
apply again. A failing step stops it with terraform's (or the tool's) own error. The database
bootstrap and the migration job run on the stand-in Cloud SQL instance; smoke and seed go to a
running local stack (`--base-url`, its gateway), and without one say they were not rehearsed;
promote runs deploy.yml's promote tool, its watch reading the stack's Prometheus
(`--prometheus-url`; without one, the switch at once). `--scenario NAME` (again for more) plays
the first release once, then each scenario from it (`Rehearsal`: a snapshot of what the first
release left, restored before each; standin/scenarios.py: a rollback after a migration; a
promotion in steps, healthy and regressed; a broken endpoint and a broken subscriber stopped by
the smoke). They need the local stack: `--state-dir` (scripts/dev up's, which names its gateway,
database and Prometheus).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from devstack.catalog import REPO_ROOT
from devstack.deploy import watch
from devstack.deploy.standin import apis, cloud_run_metrics, cloudsql, install, rules, state_backend
from devstack.deploy.standin.cloud_run_metrics import Traffic

if TYPE_CHECKING:
    from devstack.stack.stack import Stack

LINKED = ("functions", "contracts", "shared", "scripts")


# deploy.yml's deploy job, each step (by its id, else its action, else its name in lower case): the
# rehearsal's step that plays it in every release, or why none does. tests/deploy/test_rehearsal.py
# checks that every step of the job is in one of the two, so a new workflow step is not forgotten.
PLAYED = {
    "package": "package",
    "record": "record (read)",
    "candidate": "candidate apply",
    "secrets": "secrets",
    "database": "database",
    "migrate": "migrate",
    "smoke": "smoke",
    "promote": "promote",
    "promoted": "record (write)",
    "reference": "reference",
    "seed": "seed",
    "report": "report",
}
NOT_PLAYED = {
    "actions/checkout": "the Workspace is a scratch copy of this checkout",
    "./.github/actions/setup-backend": "this machine's .venv and terraform are what it installs on the runner",
    "./.github/actions/terraform-env": "init: the stand-ins' CLI configuration, an http backend, the stand-in gcloud",
    "rollback": "only after a promote that failed half-way; a rehearsal stops at its first failed step",
}
# Where an environment's data lives: what the rehearsal of a protected environment's destroy aims at.
DATA_STORES = ("google_sql_database_instance", "google_firestore_database")
# The outcomes the Report step is given (deploy.yml's OUTCOMES).
REPORTED = [*(step for step in PLAYED if step != "report"), "rollback"]
# What a promotion's revisions report in each 15 s while it is watched (cloud_run_metrics): the
# live revision's steady traffic, and a candidate as good as it (the plain rehearsal's releases).
HEALTHY_LIVE = Traffic(calls=90, errors=1, latency_ms=100)
HEALTHY = Traffic(calls=10, errors=0, latency_ms=100)


class StepFailed(RuntimeError):
    def __init__(self, step: str, output: str) -> None:
        super().__init__(f"{step} failed:\n{output}")
        self.step = step
        self.output = output


class Workspace:
    """A scratch copy of the repository's terraform/ with the stand-ins installed."""

    def __init__(self, root: Path, env: str, source: Path = REPO_ROOT, packaged: Path | None = None) -> None:
        self.root = root
        self.packaged = packaged
        self.env = env
        self.repo = root / "repo"
        self.repo.mkdir(parents=True, exist_ok=True)
        shutil.copytree(
            source / "terraform", self.repo / "terraform", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
        )
        for name in LINKED:
            (self.repo / name).symlink_to(source / name)
        self.env_dir = self.repo / "terraform" / "envs" / env
        self.state = root / "state" / "terraform.tfstate"
        (self.env_dir / "standin_override.tf").write_text('terraform {\n  backend "http" {}\n}\n')
        self.backend = state_backend.StateBackend(self.state)
        self.dist = self.repo / "dist"
        self.environ = install.install(root / "standin", self.repo / "terraform")
        self.providers = install.Providers(root / "standin", self.environ)
        self.world = rules.World(root / "standin" / "world")
        bin_dir = root / "bin"
        bin_dir.mkdir(exist_ok=True)
        gcloud = bin_dir / "gcloud"
        gcloud.write_text(
            f"#!/bin/sh\nSTANDIN_WORLD={self.world.path.parent} PYTHONPATH={REPO_ROOT / 'scripts'} "
            f'exec {sys.executable} -m devstack.deploy.standin.gcloud "$@"\n'
        )
        gcloud.chmod(0o755)
        self.environ["PATH"] = f"{bin_dir}:{self.environ['PATH']}"
        # deploy.yml's job env: the tooling and the library it reads YAML with
        self.environ["PYTHONPATH"] = f"{REPO_ROOT / 'scripts'}:{REPO_ROOT / 'shared'}"

    def __enter__(self) -> Workspace:
        """The state backend and the providers served, and named in `environ`."""
        with contextlib.ExitStack() as started:
            started.enter_context(self.backend)
            started.enter_context(self.providers)
            self._started = started.pop_all()
        self.environ.update(self.backend.env())
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._started.__exit__(kind, exc, tb)

    def package(self) -> str:
        """scripts/package into dist/; or a copy of what it made earlier of this checkout (`packaged`)."""
        if self.packaged is not None:
            shutil.copytree(self.packaged, self.dist)
            manifest = json.loads((self.dist / "bundles.json").read_text())
            manifest["bundle_dir"] = str(self.dist)  # the manifest names where its bundles are
            (self.dist / "bundles.json").write_text(json.dumps(manifest, indent=2))
            return f"the bundles of {self.packaged}"
        return self.run([sys.executable, "-m", "devstack.deploy.package", "--out", str(self.dist)], cwd=REPO_ROOT)

    def terraform(self, *args: str) -> str:
        """terraform ARGS in the env root; `init` without the reattached providers, which it would not install."""
        plain = ["-no-color"] if args[0] in ("init", "plan", "apply", "destroy", "import") else []
        env = {k: v for k, v in self.environ.items() if k != install.REATTACH} if args[0] == "init" else None
        return self.run(["terraform", f"-chdir={self.env_dir}", args[0], *plain, *args[1:]], env=env)

    def run(self, argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(argv, cwd=cwd, env=env or self.environ, capture_output=True, text=True, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise StepFailed(" ".join(argv[:3]), output)
        return output


class Release:
    """deploy.yml's deploy job, step by step, on a Workspace (paths as the workflow's RUNNER_TEMP)."""

    def __init__(
        self,
        ws: Workspace,
        base_url: str | None,
        sql: cloudsql.Instance | None = None,
        database_url: str | None = None,
        prometheus_url: str | None = None,
        stack: Stack | None = None,
    ) -> None:
        self.ws = ws
        self.base_url = base_url
        self.stack = stack  # the local stack itself: where the smoke-stop scenarios start their candidates
        self.sql = sql  # the stand-in Cloud SQL instance (cloudsql.py): the database and migrate steps' target
        self.database_url = database_url  # the local stack's database: what its functions serve from (scenarios)
        self.prometheus_url = prometheus_url  # the watch's, in the progressive promotion scenario
        self.temp = ws.root / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        # STATE_BUCKET, the bucket backend.hcl names (terraform/README.md step 2).
        bucket = re.search(r'bucket\s*=\s*"([^"]+)"', (ws.env_dir / "backend.hcl").read_text())
        self.record_url = f"gs://{bucket.group(1) if bucket else ws.env + '-tfstate'}/releases/{ws.env}/live.json"
        self.bundles = f"-var-file={ws.dist / 'bundles.json'}"

    def tool(self, module: str, *args: str) -> str:
        return self.ws.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT)

    def read_record(self) -> str:
        out = self.temp / "release.tfvars.json"
        return self.tool(
            "devstack.deploy.release",
            "read",
            "--record",
            self.record_url,
            "--tf-dir",
            str(self.ws.env_dir),
            "--out",
            str(out),
        )

    def candidate(self) -> str:
        applied = self.ws.terraform(
            "apply", "-auto-approve", self.bundles, f"-var-file={self.temp / 'release.tfvars.json'}"
        )
        (self.temp / "candidate.json").write_text(self.ws.terraform("output", "-json"))
        self.tool(
            "devstack.deploy.release",
            "promote-vars",
            "--outputs",
            str(self.temp / "candidate.json"),
            "--out",
            str(self.temp / "promote.tfvars.json"),
        )
        return applied

    def secrets(self) -> str:
        project = self.ws.terraform("output", "-raw", "project_id").strip()
        return self.ws.run([str(REPO_ROOT / "scripts" / "bootstrap-secrets"), "--project", project])

    def database(self) -> str:
        """scripts/db-bootstrap as deploy.yml runs it, on the stand-in instance holding what Terraform created."""
        if self.sql is None:
            return "no stand-in Cloud SQL instance: not rehearsed"
        made = self.sql.sync(json.loads(self.ws.terraform("state", "pull")))
        env = {**self.ws.environ, "CLOUD_SQL_STANDIN": self.sql.address}
        bootstrap = [str(REPO_ROOT / "scripts" / "db-bootstrap"), "--outputs", str(self.temp / "candidate.json")]
        return "".join(f"stand-in Cloud SQL: {m}\n" for m in made) + self.ws.run(bootstrap, env=env)

    def migrate(self) -> str:
        """What the release's db-migrate job runs, with its environment, as its IAM user, on the stand-in instance.

        The job's environment is the one Terraform gave its service; only the Cloud SQL connector
        (CLOUD_SQL_INSTANCE) is replaced by a URL to the stand-in instance, as the same IAM user.
        """
        if self.sql is None:
            return "no stand-in Cloud SQL instance: not rehearsed"
        return self.ws.run([sys.executable, "-m", "wellness.migrations"], env=self.migration_job_environment())

    def migration_job_environment(self) -> dict[str, str]:
        """The migration job's environment, its connector replaced by a URL to the stand-in instance."""
        assert self.sql is not None
        job = migration_job_env(json.loads(self.ws.terraform("state", "pull")))
        job.pop("CLOUD_SQL_INSTANCE", None)
        job["DATABASE_URL"] = self.sql.url(job["DB_USER"], job["DB_NAME"])
        return {**self.ws.environ, **job, "PYTHONPATH": str(REPO_ROOT / "shared")}

    def smoke(self) -> str:
        if self.base_url is None:
            return "no local stack given (--base-url): not rehearsed"
        return self.ws.run(
            [str(REPO_ROOT / "scripts" / "smoke"), "--base-url", self.base_url, "--profile-timeout", "30"]
        )

    def seed(self) -> str:
        """qa only (deploy.yml's `if`): scripts/seed through the gateway, here the local stack's."""
        if self.base_url is None:
            return "no local stack given (--base-url): not rehearsed"
        return self.ws.run([str(REPO_ROOT / "scripts" / "seed"), "--base-url", self.base_url])

    def report(self, played: list[str]) -> str:
        """deploy.yml's Report: python -m devstack.deploy.report with each step's outcome (it fails unless released)."""
        outcomes = [f"{step}={'success' if step in played else 'skipped'}" for step in REPORTED]
        env = {**self.ws.environ, "PROMOTION_STEPS": str(self.temp / "promotion.jsonl")}
        return self.ws.run([sys.executable, "-m", "devstack.deploy.report", *outcomes], cwd=REPO_ROOT, env=env)

    def promote(self) -> str:
        """deploy.yml's promote step: devstack.deploy.promote, each step watched, then the blue/green switch.

        The watch reads the local stack's Prometheus, where the revisions' numbers are written as
        Cloud Run would report them (`cloud_run_metrics`): healthy here. Without a Prometheus there
        is nothing to watch with, and the switch goes at once (`--instant`), as it says.
        """
        if self.prometheus_url is None:
            code, _, output = self.promote_tool(None, int(time.time()), self.temp / "promotion.jsonl")
            output = "no Prometheus given (--prometheus-url): promoted at once (--instant), unwatched\n" + output
        else:
            code, _, output = self.promote_tool(HEALTHY, int(time.time()), self.temp / "promotion.jsonl")
        if code != 0:
            raise StepFailed("promote", f"exit {code}\n{output}")
        return output

    def changed(self) -> dict[str, tuple[str, str]]:
        """{function: (live revision, candidate revision)} of this release (devstack.deploy.watch's reading)."""
        return watch.changed_functions(
            json.loads((self.temp / "candidate.json").read_text()),
            json.loads((self.temp / "release.tfvars.json").read_text()),
        )

    def promote_tool(self, candidate: Traffic | None, end: int, report: Path) -> tuple[int, list[str], str]:
        """deploy.yml's `python -m devstack.deploy.promote`: (exit, each step's decision, output).

        What the live and candidate revisions report in the window ending at `end` is written to
        the local stack's Prometheus first, and the watch judges that window (`--at`, `--settle 0`):
        `--prometheus` stands in for `--project` (Cloud Monitoring's PromQL API, the same query
        text). `candidate` None: `--instant`, nothing written or watched.
        """
        changed = self.changed()
        if candidate is not None and changed:
            assert self.prometheus_url is not None
            series = [
                sample
                for function, (live, new) in changed.items()
                for sample in cloud_run_metrics.samples(function, {live: HEALTHY_LIVE, new: candidate}, end, count=40)
            ]
            cloud_run_metrics.remote_write(self.prometheus_url, series)
        report.unlink(missing_ok=True)  # one run's steps: deploy.yml's RUNNER_TEMP is new each run
        watched = (
            ["--instant", "--project", self.ws.terraform("output", "-raw", "project_id").strip()]
            if candidate is None
            else ["--prometheus", str(self.prometheus_url), "--settle", "0", "--at", str(end)]
        )
        t = self.temp
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "devstack.deploy.promote",
                *("--tf-dir", str(self.ws.env_dir), "--bundles", str(self.ws.dist / "bundles.json")),
                *("--live-vars", str(t / "release.tfvars.json"), "--promote-vars", str(t / "promote.tfvars.json")),
                *("--candidates", str(t / "candidate.json"), "--report", str(report), *watched),
            ],
            cwd=REPO_ROOT,
            env=self.ws.environ,
            capture_output=True,
            text=True,
            check=False,
        )
        decisions = (
            [json.loads(line)["decision"] for line in report.read_text().splitlines()] if report.is_file() else []
        )
        return done.returncode, decisions, done.stdout + done.stderr

    def record(self, ref: str) -> str:
        return self.tool(
            "devstack.deploy.release",
            "record",
            "--outputs",
            str(self.temp / "candidate.json"),
            "--ref",
            ref,
            "--record",
            self.record_url,
        )

    def reference(self) -> str:
        gateway = self.ws.terraform("output", "-raw", "gateway_url").strip()
        page = self.temp / "reference" / "index.html"
        self.ws.run([str(REPO_ROOT / "scripts" / "api-reference"), "--out", str(page), "--base-url", gateway])
        bucket = self.ws.terraform("output", "-raw", "api_reference_bucket").strip()
        return self.ws.run(
            ["gcloud", "storage", "cp", str(page), f"gs://{bucket}/index.html", "--content-type=text/html"]
        )

    def change_one_bundle(self, nth: int = 0, entry: str = "CHANGED") -> str:
        """A new bundle for one function (the `nth` by name), as an edit to its code makes: only its revision
        may change. Its archive is rewritten with one more file (`entry`), gzipped tar like
        scripts/package's, under a name with a new content hash. The scenarios each change their own
        function: the revisions they write numbers for in the shared Prometheus never meet.
        """
        manifest: dict[str, Any] = json.loads((self.ws.dist / "bundles.json").read_text())
        name: str = sorted(manifest["bundles"])[nth]
        self.change_bundle(name, entry, b"the next release's change\n")
        self.changed_function = name
        return name

    def change_bundle(self, name: str, entry: str, content: bytes) -> str:
        """Rewrite a function's bundle with one more file, under a new content-hash name; the new name."""
        manifest: dict[str, Any] = json.loads((self.ws.dist / "bundles.json").read_text())
        old = self.ws.dist / manifest["bundles"][name]
        digest = hashlib.sha256(old.read_bytes() + entry.encode()).hexdigest()[:16]
        new = self.ws.dist / f"{name}-{digest}.tar.gz"
        with tarfile.open(old, "r:gz") as before, tarfile.open(new, "w:gz") as after:
            for member in before.getmembers():
                after.addfile(member, before.extractfile(member) if member.isfile() else None)
            info = tarfile.TarInfo(entry)
            info.size = len(content)
            after.addfile(info, io.BytesIO(content))
        manifest["bundles"][name] = new.name
        (self.ws.dist / "bundles.json").write_text(json.dumps(manifest, indent=2))
        return new.name

    def candidate_changing_one_function(self) -> str:
        """The second release's candidate apply, which may change the changed function's resources only.

        What it changed is read from the state before and after it (every resource instance's
        attributes, by address), not from a plan of its own: deploy.yml plans only inside that
        apply, and a plan of ~790 resources costs as much CPU as the apply's own.
        """
        before = state_instances(json.loads(self.ws.terraform("state", "pull")))
        applied = self.candidate()
        after = state_instances(json.loads(self.ws.terraform("state", "pull")))
        changed = sorted(a for a in before.keys() | after.keys() if before.get(a) != after.get(a))
        others = [a for a in changed if f'["{self.changed_function}"]' not in a]
        if others or not changed:
            raise StepFailed("second release", f"changed besides {self.changed_function}: {others or 'nothing'}")
        return applied + "\nchanged in the state:\n" + "\n".join(changed)

    def plan_shows_no_change(self) -> str:
        # -detailed-exitcode: 2 (changes present) fails the step in Workspace.run.
        return self.ws.terraform(
            "plan", "-detailed-exitcode", self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
        )

    @property
    def protected(self) -> bool:
        """The environment has deletion protection on (prod): no procedure destroys it."""
        tfvars = (self.ws.env_dir / "terraform.tfvars").read_text()
        return re.search(r"^deletion_protection\s*=\s*true", tfvars, re.M) is not None

    def destroy(self) -> str:
        """qa: everything goes (the README's destroy between test campaigns).

        With deletion protection (prod), which nothing is meant to destroy, a full destroy would
        take most of the environment down and cost minutes: the rehearsal destroys where the data
        lives (the Cloud SQL instance and the Firestore database, with what depends on them), as a
        mistaken destroy would, and requires that nothing holding data goes: the provider refuses
        what is protected, and abandons Firestore's database (deletion_policy ABANDON).
        """
        targets: list[str] = []
        if self.protected:
            listed = self.ws.terraform("state", "list").split()
            targets = [f"-target={a}" for a in listed if re.search(rf"\.({'|'.join(DATA_STORES)})\.", a)]
            self.kept_at = {a.split(".")[-2]: a for a in listed if re.search(r"\.google_firestore_database\.", a)}
        try:
            return self.ws.terraform(
                "destroy", "-auto-approve", *targets, self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
            )
        except StepFailed as failed:
            errors = [line for line in failed.output.splitlines() if line.startswith("Error")]
            if self.protected and errors and all(rules.PROTECTED in line for line in errors):
                return "refused where deletion protection is on (as it must be):\n" + "\n".join(errors)
            raise

    def import_kept(self) -> str:
        """What the destroy abandoned (it still holds its data) back into the state: `terraform import`."""
        project = json.loads((self.temp / "candidate.json").read_text())["project_id"]["value"]
        kept = self.ws.world.kept()
        if not kept:
            raise StepFailed("import", "the destroy abandoned nothing: Firestore's database was deleted")
        out = []
        for key in kept:
            type_name, name = key.split("/", 1)
            address = self.kept_at[type_name]
            out.append(
                self.ws.terraform(
                    "import",
                    self.bundles,
                    f"-var-file={self.temp / 'promote.tfvars.json'}",
                    address,
                    f"projects/{project}/databases/{name}",
                )
            )
        return "".join(out)

    def apply_again(self) -> str:
        return self.ws.terraform(
            "apply", "-auto-approve", self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
        )

    def release(self, nth: str) -> list[tuple[str, Callable[[], str]]]:
        """One run of deploy.yml's deploy job after its package step, in its order (seed where it seeds: qa)."""
        steps: list[tuple[str, Callable[[], str]]] = [
            ("record (read)", self.read_record),
            ("candidate apply", self.candidate),
            ("secrets", self.secrets),
            ("database", self.database),
            ("migrate", self.migrate),
            ("smoke", self.smoke),
            ("promote", self.promote),
            ("record (write)", lambda: self.record(nth)),
            ("reference", self.reference),
        ]
        if self.ws.env == "qa":
            steps.append(("seed", self.seed))
        names = {name for name, _ in steps} | {"package"}
        played = [step for step, name in PLAYED.items() if name in names]
        steps.append(("report", lambda: self.report(played)))
        return [(f"{nth} {name}", step) for name, step in steps]

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [*self.first_steps(), *self.later_steps()]

    def first_steps(self) -> list[tuple[str, Callable[[], str]]]:
        """Package, init, plan and the first release: what every scenario starts from (`Rehearsal.snapshot`)."""
        return [
            ("package", self.ws.package),
            ("init", lambda: self.ws.terraform("init")),
            ("plan", lambda: self.ws.terraform("plan", self.bundles, "-var-file=" + str(self._first_vars()))),
            *self.release("1st"),
        ]

    def later_steps(self) -> list[tuple[str, Callable[[], str]]]:
        """The plain rehearsal after its first release: a second, no change left, destroy and apply again."""
        second = self.release("2nd")
        assert second[1][0] == "2nd candidate apply"
        return [
            ("one bundle changes", self.change_one_bundle),
            second[0],  # the record, read
            ("2nd candidate apply", self.candidate_changing_one_function),
            *second[2:],
            ("plan shows no change", self.plan_shows_no_change),
            ("destroy", self.destroy),
            *([("import what destroy kept", self.import_kept)] if self.protected else []),
            ("apply again", self.apply_again),
        ]

    def _first_vars(self) -> Path:
        path = self.temp / "first.tfvars.json"
        path.write_text(json.dumps({"live_api_config": "", "live_revisions": {}}))
        return path


def state_instances(state: dict[str, Any]) -> dict[str, Any]:
    """{address: attributes} of every resource instance in a state (`terraform state pull`)."""
    found: dict[str, Any] = {}
    for resource in state["resources"]:
        prefix = f"{resource['module']}." if "module" in resource else ""
        kind = "data." if resource["mode"] == "data" else ""
        for instance in resource["instances"]:
            key = instance.get("index_key")
            index = "" if key is None else f"[{json.dumps(key)}]"
            found[f"{prefix}{kind}{resource['type']}.{resource['name']}{index}"] = instance.get("attributes")
    return found


def migration_job_env(state: dict[str, Any]) -> dict[str, str]:
    """The environment Terraform gave the migration job's service (the one handed DB_RUNTIME_USERS)."""
    for resource in state["resources"]:
        if resource["type"] != "google_cloud_run_v2_service":
            continue
        for instance in resource["instances"]:
            for template in instance["attributes"].get("template") or []:
                env = {e["name"]: e.get("value") or "" for c in template["containers"] for e in c.get("env") or []}
                if "DB_RUNTIME_USERS" in env:
                    return env
    raise StepFailed("migrate", "no Cloud Run service in the state has DB_RUNTIME_USERS (the migration job)")


class Scenario(Protocol):
    """Another sequence of steps after the first release (standin/scenarios.py), and what undoes it."""

    def steps(self) -> list[tuple[str, Callable[[], str]]]: ...

    def cleanup(self) -> None: ...


class Rehearsal:
    """A Workspace with its stand-ins running (`with`): steps played on it, each logged with its time.

    A first release is played once (`Release.first_steps`) and `snapshot()` keeps what it left:
    the Terraform state, the stand-in world (resources, secrets, objects such as the release
    records), the runner's temp files and dist/. Each scenario then starts from that release
    (`scenario()` restores it first), whatever the one before did. The stand-in Cloud SQL
    instance and the local stack are not copied: a scenario that changes them puts them back
    (its `cleanup`).
    """

    def __init__(
        self,
        env: str,
        root: Path,
        log: Callable[[str], None] = print,
        source: Path = REPO_ROOT,
        base_url: str | None = None,
        packaged: Path | None = None,
        database_url: str | None = None,
        prometheus_url: str | None = None,
        stack: Stack | None = None,
    ) -> None:
        self.ws = Workspace(root, env, source, packaged)
        self.log = log
        self.sql = cloudsql.Instance(root / "cloudsql")
        self.apis = apis.Apis(self.ws.world, self.sql)
        self.release = Release(self.ws, base_url, self.sql, database_url, prometheus_url, stack)
        self.said: dict[str, str] = {}  # each step's output, by its name (the last time it was played)
        self._kept = [self.ws.state.parent, self.ws.world.path.parent, self.release.temp, self.ws.dist]

    def __enter__(self) -> Rehearsal:
        with contextlib.ExitStack() as started:
            started.enter_context(self.sql)
            started.enter_context(self.apis)
            started.enter_context(self.ws)
            self._started = started.pop_all()
        self.ws.environ["GOOGLE_APIS_ENDPOINT"] = self.apis.endpoint
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._started.__exit__(kind, exc, tb)

    def play(
        self, steps: list[tuple[str, Callable[[], str]]], until: str | None = None, tell: bool = False
    ) -> list[tuple[str, float]]:
        """Each step in turn (up to and including `until`); `tell`: its last lines too. Its name and seconds."""
        timings: list[tuple[str, float]] = []
        for name, step in steps:
            started = time.monotonic()
            said = step()
            self.said[name] = said
            timings.append((name, time.monotonic() - started))
            self.log(f"rehearse-deploy {self.ws.env}: {name:<26} {timings[-1][1]:6.1f} s")
            if tell:
                self.log("\n".join(f"    {line}" for line in said.strip().splitlines()[-6:]))
            if name == until:
                break
        return timings

    def snapshot(self) -> None:
        for i, path in enumerate(self._kept):
            shutil.copytree(path, self.ws.root / "snapshot" / str(i), symlinks=True, dirs_exist_ok=True)

    def restore(self) -> None:
        for i, path in enumerate(self._kept):
            shutil.rmtree(path)
            shutil.copytree(self.ws.root / "snapshot" / str(i), path, symlinks=True)

    def scenario(self, make: Callable[[Release], Scenario]) -> list[tuple[str, float]]:
        """A scenario from the snapshot's release; what it changed outside the snapshot undone after it."""
        self.restore()
        self.log(f"rehearse-deploy {self.ws.env}: scenario {getattr(make, '__name__', make)}")
        played = make(self.release)
        try:
            return self.play(played.steps(), tell=True)
        finally:
            played.cleanup()


def rehearse(
    env: str,
    root: Path,
    log: Callable[[str], None] = print,
    until: str | None = None,
    source: Path = REPO_ROOT,
    base_url: str | None = None,
    packaged: Path | None = None,
    database_url: str | None = None,
    scenarios: Sequence[Callable[[Release], Scenario]] = (),
    prometheus_url: str | None = None,
    stack: Stack | None = None,
) -> list[tuple[str, float]]:
    """Run the steps (up to and including `until`) on source's terraform/; each step's name and seconds.

    Without `scenarios`, the plain rehearsal (`Release.steps`); with them, the first release once,
    then each scenario from it. `packaged`: a dist/ that scripts/package already made of this
    checkout, copied instead of packaging again (the tests rehearse several environments of one checkout).
    """
    with Rehearsal(env, root, log, source, base_url, packaged, database_url, prometheus_url, stack) as rehearsal:
        release = rehearsal.release
        if not scenarios:
            return rehearsal.play(release.steps(), until)
        timings = rehearsal.play(release.first_steps())
        rehearsal.snapshot()
        for make in scenarios:
            timings += rehearsal.scenario(make)
        return timings


def main(argv: list[str]) -> int:
    from devstack.deploy.standin.scenarios import SCENARIOS  # they import this module

    parser = argparse.ArgumentParser(prog="scripts/rehearse-deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("env", choices=sorted(p.name for p in (REPO_ROOT / "terraform" / "envs").iterdir()))
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    parser.add_argument("--base-url", help="a running local stack's gateway (scripts/dev up): smoke and seed")
    parser.add_argument("--database-url", help="that stack's database: the rollback scenario migrates it to N+1")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(SCENARIOS),
        help="play a release scenario after the first release (standin/scenarios.py); again for more, each from it",
    )
    parser.add_argument("--prometheus-url", help="that stack's Prometheus: what the promote step's watch reads")
    parser.add_argument(
        "--state-dir", type=Path, help="that stack's state (scripts/dev up's .local/dev): the smoke-stop scenarios"
    )
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix=f"rehearse-{args.env}-"))
    stack = None
    if args.state_dir is not None:
        from devstack.stack.stack import Stack

        stack = Stack.load(args.state_dir)
        if stack is None:
            print(f"rehearse-deploy: no stack running in {args.state_dir} (scripts/dev up)", file=sys.stderr)
            return 1
    try:
        timings = rehearse(
            args.env,
            root,
            base_url=args.base_url or (stack.gateway_url if stack else None),
            database_url=args.database_url or (stack.database_url if stack else None),
            scenarios=[SCENARIOS[name] for name in args.scenario or []],
            prometheus_url=args.prometheus_url or (stack.prometheus_url if stack else None),
            stack=stack,
        )
    except StepFailed as exc:
        print(f"rehearse-deploy {args.env}: {exc.step} FAILED\n{exc.output[-6000:]}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"rehearse-deploy {args.env}: passed in {sum(t for _, t in timings):.1f} s")
    return 0


if __name__ == "__main__":
    # Through the imported module, not __main__: the scenarios import it, and StepFailed must be one class.
    from devstack.deploy.standin import rehearse as imported

    sys.exit(imported.main(sys.argv[1:]))
