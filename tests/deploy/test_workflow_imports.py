"""Every `python -m devstack.…` a workflow step runs can import its module with the PYTHONPATH it has.

The tooling reads the repository's YAML through the library (wellness.platform.strict_yaml), so
a step that puts only `scripts` on the path fails at import on GitHub's runner, after the
candidate is deployed. The PYTHONPATH in effect is the step's own (inline, then `env:`), else
the job's, else the workflow's; each module is imported in a clean process with exactly that.

A path under `$RUNNER_TEMP` is what the job put there: the rollback job copies its tool
(`cp -r scripts/devstack "$RUNNER_TEMP/devstack"`) before it checks out the live release's
commit, and runs the copy. The test replays the job's earlier copies into a scratch RUNNER_TEMP
and imports from it, so a tool that needs more than was copied (say, the library) fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

RUNS = re.compile(r"(?:PYTHONPATH=(\S+)\s+)?\S*python3?\s+-m\s+(devstack[\w.]+)")
# `cp -r SOURCE "$RUNNER_TEMP/NAME"` in a step's script: what a later step finds in RUNNER_TEMP.
COPIES = re.compile(r"cp\s+-r\s+([\w./-]+)\s+\"?\$(?:RUNNER_TEMP|\{RUNNER_TEMP\})/([\w./-]+)\"?")
RUNNER_TEMP = re.compile(r"\$(?:RUNNER_TEMP|\{RUNNER_TEMP\})")
FILES = sorted(
    [*(REPO_ROOT / ".github" / "workflows").glob("*.yml"), *(REPO_ROOT / ".github").glob("actions/*/action.yml")]
)


Copies = tuple[tuple[str, str], ...]


def invocations() -> list[tuple[str, str, str | None, Copies]]:
    """(where, module, PYTHONPATH or None, the job's copies into RUNNER_TEMP so far) per devstack module run."""
    found = []
    for path in FILES:
        document: dict[str, Any] = read_yaml(path)
        top = (document.get("env") or {}).get("PYTHONPATH")
        jobs = document.get("jobs") or {"action": document.get("runs") or {}}
        for job_name, job in jobs.items():
            job_path = (job.get("env") or {}).get("PYTHONPATH", top)
            copies: Copies = ()
            for step in job.get("steps") or []:
                step_path = (step.get("env") or {}).get("PYTHONPATH", job_path)
                script = str(step.get("run", ""))
                for inline, module in RUNS.findall(script):
                    pythonpath = (inline or step_path or "").strip("\"'") or None
                    if "$" in RUNNER_TEMP.sub("", pythonpath or ""):
                        continue  # another path made at run time: nothing here knows it
                    where = f"{path.relative_to(REPO_ROOT)} {job_name}: {step.get('name', step.get('id', '?'))}"
                    found.append((where, module, pythonpath, copies))
                copies += tuple(COPIES.findall(script))
    return found


def test_the_workflows_run_devstack_modules() -> None:
    modules = {module for _, module, _, _ in invocations()}
    assert {"devstack.deploy.promote", "devstack.deploy.ci_gate", "devstack.deploy.rollback"} <= modules
    from_copies = [(module, copies) for _, module, path, copies in invocations() if RUNNER_TEMP.search(path or "")]
    assert ("devstack.deploy.rollback", (("scripts/devstack", "devstack"),)) in from_copies


def runner_temp(tmp_path: Path, copies: Copies) -> Path:
    """A scratch RUNNER_TEMP holding what the job's earlier steps copied there."""
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    for source, name in copies:
        shutil.copytree(REPO_ROOT / source, temp / name, ignore=shutil.ignore_patterns("__pycache__"))
    return temp


def test_a_copied_tool_that_needs_the_library_fails_to_import(tmp_path: Path) -> None:
    """The replay is what decides: a rollback tool that starts to read YAML through the library (not copied,
    and the checkout's is the live commit's, not on the path) fails here, as it would on the runner."""
    (where, module, pythonpath, copies) = next(i for i in invocations() if i[1] == "devstack.deploy.rollback")
    temp = runner_temp(tmp_path, copies)
    tool = temp / "devstack" / "deploy" / "rollback.py"
    tool.write_text(tool.read_text() + "\nimport wellness.platform.strict_yaml\n")
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=REPO_ROOT,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": RUNNER_TEMP.sub(str(temp), pythonpath or "")},
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0, where
    assert "No module named 'wellness'" in done.stderr


@pytest.mark.parametrize(("where", "module", "pythonpath", "copies"), invocations(), ids=lambda v: str(v)[:60])
def test_each_module_imports_with_the_path_its_step_has(
    where: str, module: str, pythonpath: str | None, copies: Copies, tmp_path: Path
) -> None:
    if pythonpath and RUNNER_TEMP.search(pythonpath):
        pythonpath = RUNNER_TEMP.sub(str(runner_temp(tmp_path, copies)), pythonpath)
    env = {"PATH": os.environ["PATH"], **({"PYTHONPATH": pythonpath} if pythonpath else {})}
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{where}: {module} with PYTHONPATH={pythonpath!r}: {done.stderr[-600:]}"
