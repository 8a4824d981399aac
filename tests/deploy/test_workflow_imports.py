"""Every `python -m devstack.…` a workflow step runs can import its module with the PYTHONPATH it has.

The tooling reads the repository's YAML through the library (wellness.platform.strict_yaml), so
a step that puts only `scripts` on the path fails at import on GitHub's runner, after the
candidate is deployed. The PYTHONPATH in effect is the step's own (inline, then `env:`), else
the job's, else the workflow's; each module is imported in a clean process with exactly that.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

RUNS = re.compile(r"(?:PYTHONPATH=(\S+)\s+)?\S*python3?\s+-m\s+(devstack[\w.]+)")
FILES = sorted(
    [*(REPO_ROOT / ".github" / "workflows").glob("*.yml"), *(REPO_ROOT / ".github").glob("actions/*/action.yml")]
)


def invocations() -> list[tuple[str, str, str | None]]:
    """(where, module, PYTHONPATH or None) for every step that runs a devstack module."""
    found = []
    for path in FILES:
        document: dict[str, Any] = read_yaml(path)
        top = (document.get("env") or {}).get("PYTHONPATH")
        jobs = document.get("jobs") or {"action": document.get("runs") or {}}
        for job_name, job in jobs.items():
            job_path = (job.get("env") or {}).get("PYTHONPATH", top)
            for step in job.get("steps") or []:
                step_path = (step.get("env") or {}).get("PYTHONPATH", job_path)
                for inline, module in RUNS.findall(str(step.get("run", ""))):
                    if "$" in (inline or step_path or ""):
                        continue  # a path made at run time (the rollback job runs a copy of its tool)
                    where = f"{path.relative_to(REPO_ROOT)} {job_name}: {step.get('name', step.get('id', '?'))}"
                    found.append((where, module, inline or step_path))
    return found


def test_the_workflows_run_devstack_modules() -> None:
    modules = {module for _, module, _ in invocations()}
    assert {"devstack.deploy.promote", "devstack.deploy.ci_gate"} <= modules


@pytest.mark.parametrize(("where", "module", "pythonpath"), invocations(), ids=lambda v: str(v)[:60])
def test_each_module_imports_with_the_path_its_step_has(where: str, module: str, pythonpath: str | None) -> None:
    env = {"PATH": os.environ["PATH"], **({"PYTHONPATH": pythonpath} if pythonpath else {})}
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{where}: {module} with PYTHONPATH={pythonpath!r}: {done.stderr[-600:]}"
