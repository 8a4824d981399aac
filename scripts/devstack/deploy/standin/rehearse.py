"""Rehearse an environment's releases with the real Terraform CLI on the stand-in providers.

    scripts/rehearse-deploy qa|prod [--keep DIR] [--steps first|all]

Works in a scratch copy (`Workspace`): terraform/ copied, the rest of the repository linked, so
nothing in the checkout changes. The env root's `backend "gcs" {}` is replaced by a local
backend in an override file (`standin_override.tf`; Terraform merges `*_override.tf` last,
developer.hashicorp.com/terraform/language/files/override): the gcs backend would need a
Cloud Storage JSON API stand-in with OAuth for what is only where the state is kept, and the
rehearsal checks the configuration, not Google's storage. `gcloud` is a stand-in on PATH
(`gcloud.py`) and the image builds go to `apis.py` through GOOGLE_APIS_ENDPOINT; nothing leaves
127.0.0.1.

Steps (each printed with its time): package → init → plan → first apply (nothing live yet, as
README step 6) → plan again shows no change → destroy → apply again. Failing steps stop it
with terraform's own error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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

    def terraform(self, *args: str, endpoint: str = "") -> str:
        env = {**self.environ, "GOOGLE_APIS_ENDPOINT": endpoint} if endpoint else None
        return self.run(["terraform", f"-chdir={self.env_dir}", *args], env=env)

    def var_files(self, release: dict[str, object]) -> list[str]:
        release_file = self.root / "release.tfvars.json"
        release_file.write_text(json.dumps(release))
        return [f"-var-file={self.dist / 'bundles.json'}", f"-var-file={release_file}"]

    def run(self, argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(argv, cwd=cwd, env=env or self.environ, capture_output=True, text=True, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise StepFailed(" ".join(argv[:3]), output)
        return output


FIRST_RELEASE: dict[str, object] = {"live_api_config": "", "live_revisions": {}}


def steps(ws: Workspace, endpoint: str) -> list[tuple[str, Callable[[], str]]]:
    files = ws.var_files(FIRST_RELEASE)

    def plan_shows_no_change() -> str:
        out = ws.terraform("plan", "-detailed-exitcode", "-lock=false", *files, endpoint=endpoint)
        return out  # -detailed-exitcode: 2 (changes) fails the step in Workspace.run

    return [
        ("package", ws.package),
        ("init", lambda: ws.terraform("init", "-no-color")),
        ("plan", lambda: ws.terraform("plan", "-no-color", *files, endpoint=endpoint)),
        (
            "apply (first release)",
            lambda: ws.terraform("apply", "-no-color", "-auto-approve", *files, endpoint=endpoint),
        ),
        ("plan shows no change", plan_shows_no_change),
        ("destroy", lambda: ws.terraform("destroy", "-no-color", "-auto-approve", *files, endpoint=endpoint)),
        ("apply again", lambda: ws.terraform("apply", "-no-color", "-auto-approve", *files, endpoint=endpoint)),
    ]


def rehearse(
    env: str,
    root: Path,
    log: Callable[[str], None] = print,
    until: str | None = None,
    source: Path = REPO_ROOT,
) -> list[tuple[str, float]]:
    """Run the steps (up to and including `until`) on source's terraform/; each step's name and seconds."""
    ws = Workspace(root, env, source)
    timings: list[tuple[str, float]] = []
    with apis.Apis(ws.world) as stand_in:
        for name, step in steps(ws, stand_in.endpoint):
            started = time.monotonic()
            step()
            timings.append((name, time.monotonic() - started))
            log(f"rehearse-deploy {env}: {name:<24} {timings[-1][1]:6.1f} s")
            if name == until:
                break
    return timings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/rehearse-deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("env", choices=sorted(p.name for p in (REPO_ROOT / "terraform" / "envs").iterdir()))
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix=f"rehearse-{args.env}-"))
    try:
        timings = rehearse(args.env, root)
    except StepFailed as exc:
        print(f"rehearse-deploy {args.env}: {exc.step} FAILED\n{exc.output[-6000:]}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"rehearse-deploy {args.env}: passed in {sum(t for _, t in timings):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
