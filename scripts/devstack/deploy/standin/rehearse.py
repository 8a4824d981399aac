"""Rehearse an environment's releases with the real Terraform CLI on the stand-in providers.

    scripts/rehearse-deploy qa|prod [--keep DIR] [--scenario NAME]

Works in a scratch copy (`Workspace`): terraform/ copied, the rest of the repository linked, so
nothing in the checkout changes. The env root's `backend "gcs" {}` is replaced by a local
backend in an override file (`standin_override.tf`; Terraform merges `*_override.tf` last,
developer.hashicorp.com/terraform/language/files/override): the gcs backend would need a
Cloud Storage JSON API stand-in with OAuth for what is only where the state is kept, and the
rehearsal checks the configuration, not Google's storage. `gcloud` is a stand-in on PATH
(`gcloud.py`) and the image builds go to `apis.py` through GOOGLE_APIS_ENDPOINT; nothing leaves
127.0.0.1.

Steps (each printed with its time; `Release.steps`): package → init → plan → deploy.yml's job
for a first release (record read, candidate apply, secrets, migrate, smoke, promote, record
written, reference) → one bundle changes → the same job again, whose plan may change that
function's resources only → plan shows no change → destroy → apply again. A failing step stops
it with terraform's (or the tool's) own error. Migrate and smoke go to a running local stack
(`--base-url` its gateway, `--database-url` its database); without one they say they were not
rehearsed. `--scenario rollback|progressive` plays another sequence on the same steps
(standin/scenarios.py: a rollback after a migration; a promotion in steps, healthy and regressed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import apis, install, rules

LINKED = ("functions", "contracts", "shared", "scripts")


class StepFailed(RuntimeError):
    def __init__(self, step: str, output: str) -> None:
        super().__init__(f"{step} failed:\n{output}")
        self.step = step
        self.output = output


class Workspace:
    """A scratch copy of the repository's terraform/ with the stand-ins installed."""

    def __init__(self, root: Path, env: str, source: Path = REPO_ROOT) -> None:
        self.root = root
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
        (self.env_dir / "standin_override.tf").write_text(
            f'terraform {{\n  backend "local" {{\n    path = "{self.state}"\n  }}\n}}\n'
        )
        self.dist = self.repo / "dist"
        self.environ = install.install(root / "standin", self.repo / "terraform")
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
        self.environ["PYTHONPATH"] = str(REPO_ROOT / "scripts")

    def package(self) -> str:
        return self.run([sys.executable, "-m", "devstack.deploy.package", "--out", str(self.dist)], cwd=REPO_ROOT)

    def terraform(self, *args: str) -> str:
        plain = ["-no-color"] if args[0] in ("init", "plan", "apply", "destroy") else []
        return self.run(["terraform", f"-chdir={self.env_dir}", args[0], *plain, *args[1:]])

    def run(self, argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(argv, cwd=cwd, env=env or self.environ, capture_output=True, text=True, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise StepFailed(" ".join(argv[:3]), output)
        return output


class Release:
    """deploy.yml's deploy job, step by step, on a Workspace (paths as the workflow's RUNNER_TEMP)."""

    def __init__(
        self, ws: Workspace, base_url: str | None, database_url: str | None, prometheus_url: str | None = None
    ) -> None:
        self.ws = ws
        self.base_url = base_url
        self.database_url = database_url
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

    def migrate(self) -> str:
        """What the release's db-migrate job runs (alembic upgrade head), on the local stack's database."""
        if self.database_url is None:
            return "no local stack given (--database-url): not rehearsed"
        env = {**self.ws.environ, "DATABASE_URL": self.database_url, "PYTHONPATH": str(REPO_ROOT / "shared")}
        return self.ws.run([sys.executable, "-m", "wellness.migrations"], env=env)

    def smoke(self) -> str:
        if self.base_url is None:
            return "no local stack given (--base-url): not rehearsed"
        return self.ws.run(
            [str(REPO_ROOT / "scripts" / "smoke"), "--base-url", self.base_url, "--profile-timeout", "30"]
        )

    def promote(self) -> str:
        return self.ws.terraform(
            "apply", "-auto-approve", self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
        )

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

    def change_one_bundle(self) -> str:
        """A new bundle for one function, as an edit to its code makes: only its revision may change."""
        manifest: dict[str, Any] = json.loads((self.ws.dist / "bundles.json").read_text())
        name: str = sorted(manifest["bundles"])[0]
        old = manifest["bundles"][name]
        new = f"{name}-{hashlib.sha256(old.encode()).hexdigest()[:16]}.zip"
        shutil.copyfile(self.ws.dist / old, self.ws.dist / new)
        with zipfile.ZipFile(self.ws.dist / new, "a") as bundle:
            bundle.writestr("CHANGED", "the second release's change\n")
        manifest["bundles"][name] = new
        (self.ws.dist / "bundles.json").write_text(json.dumps(manifest, indent=2))
        self.changed = name
        return name

    def only_the_changed_function_changes(self) -> str:
        plan_file = self.temp / "second.tfplan"
        self.ws.terraform(
            "plan", "-out", str(plan_file), self.bundles, f"-var-file={self.temp / 'release.tfvars.json'}"
        )
        shown = json.loads(self.ws.terraform("show", "-json", str(plan_file)))
        changed = [c["address"] for c in shown.get("resource_changes", []) if c["change"]["actions"] != ["no-op"]]
        others = [a for a in changed if f'["{self.changed}"]' not in a]
        if others or not changed:
            raise StepFailed("second release", f"changed besides {self.changed}: {others or 'nothing'}")
        return "\n".join(changed)

    def plan_shows_no_change(self) -> str:
        # -detailed-exitcode: 2 (changes present) fails the step in Workspace.run.
        return self.ws.terraform(
            "plan", "-detailed-exitcode", self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
        )

    def destroy(self) -> str:
        """qa goes; an environment with deletion protection (prod) keeps what is protected, and says so."""
        protected = re.search(
            r"^deletion_protection\s*=\s*true", (self.ws.env_dir / "terraform.tfvars").read_text(), re.M
        )
        try:
            return self.ws.terraform(
                "destroy", "-auto-approve", self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
            )
        except StepFailed as failed:
            errors = [line for line in failed.output.splitlines() if line.startswith("Error")]
            if protected and errors and all(rules.PROTECTED in line for line in errors):
                return "refused where deletion protection is on (as it must be):\n" + "\n".join(errors)
            raise

    def apply_again(self) -> str:
        return self.ws.terraform(
            "apply", "-auto-approve", self.bundles, f"-var-file={self.temp / 'promote.tfvars.json'}"
        )

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        release = [
            ("record (read)", self.read_record),
            ("candidate apply", self.candidate),
            ("secrets", self.secrets),
            ("migrate", self.migrate),
            ("smoke", self.smoke),
            ("promote", self.promote),
        ]
        return [
            ("package", self.ws.package),
            ("init", lambda: self.ws.terraform("init")),
            ("plan", lambda: self.ws.terraform("plan", self.bundles, "-var-file=" + str(self._first_vars()))),
            *[(f"1st {n}", s) for n, s in release],
            ("1st record (write)", lambda: self.record("first")),
            ("1st reference", self.reference),
            ("one bundle changes", self.change_one_bundle),
            ("2nd record (read)", self.read_record),
            ("2nd plan: one function", self.only_the_changed_function_changes),
            *[(f"2nd {n}", s) for n, s in release[1:]],
            ("2nd record (write)", lambda: self.record("second")),
            ("plan shows no change", self.plan_shows_no_change),
            ("destroy", self.destroy),
            ("apply again", self.apply_again),
        ]

    def _first_vars(self) -> Path:
        path = self.temp / "first.tfvars.json"
        path.write_text(json.dumps({"live_api_config": "", "live_revisions": {}}))
        return path


class Scenario(Protocol):
    """Another sequence of steps on the same Release (standin/scenarios.py), and what undoes it."""

    def steps(self) -> list[tuple[str, Callable[[], str]]]: ...

    def cleanup(self) -> None: ...


def rehearse(
    env: str,
    root: Path,
    log: Callable[[str], None] = print,
    until: str | None = None,
    source: Path = REPO_ROOT,
    base_url: str | None = None,
    database_url: str | None = None,
    scenario: Callable[[Release], Scenario] | None = None,
    prometheus_url: str | None = None,
) -> list[tuple[str, float]]:
    """Run the steps (up to and including `until`) on source's terraform/; each step's name and seconds."""
    ws = Workspace(root, env, source)
    timings: list[tuple[str, float]] = []
    with apis.Apis(ws.world) as stand_in:
        ws.environ["GOOGLE_APIS_ENDPOINT"] = stand_in.endpoint
        release = Release(ws, base_url, database_url, prometheus_url)
        played = scenario(release) if scenario else None
        try:
            for name, step in played.steps() if played else release.steps():
                started = time.monotonic()
                said = step()
                timings.append((name, time.monotonic() - started))
                log(f"rehearse-deploy {env}: {name:<26} {timings[-1][1]:6.1f} s")
                if played:  # a scenario's steps say what they showed
                    log("\n".join(f"    {line}" for line in said.strip().splitlines()[-6:]))
                if name == until:
                    break
        finally:
            if played:
                played.cleanup()
    return timings


def main(argv: list[str]) -> int:
    from devstack.deploy.standin.scenarios import SCENARIOS  # they import this module

    parser = argparse.ArgumentParser(prog="scripts/rehearse-deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("env", choices=sorted(p.name for p in (REPO_ROOT / "terraform" / "envs").iterdir()))
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    parser.add_argument("--base-url", help="a running local stack's gateway (scripts/dev up): the smoke test's target")
    parser.add_argument("--database-url", help="that stack's database (DATABASE_URL): the migrate step's target")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), help="play a release scenario (standin/scenarios.py)")
    parser.add_argument("--prometheus-url", help="that stack's Prometheus: what the progressive scenario's watch reads")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix=f"rehearse-{args.env}-"))
    try:
        timings = rehearse(
            args.env,
            root,
            base_url=args.base_url,
            database_url=args.database_url,
            scenario=SCENARIOS[args.scenario] if args.scenario else None,
            prometheus_url=args.prometheus_url,
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
