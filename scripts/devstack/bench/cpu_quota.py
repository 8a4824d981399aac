"""Run a process at a fraction of the machine: a CPU quota in a child cgroup, v1 or v2.

Cloud Run gives a function `cpu` vCPUs (1 for endpoints, 0.5 for subscribers); a process
on this machine's free cores starts several times faster than that. A child group with
`quota = cpu × period` (v1 `cpu.cfs_quota_us`, v2 `cpu.max`) runs it at that size; the
process joins the group before it execs, so its interpreter start is inside the quota too.
A cloud vCPU is the function's own, so the group also gets a high CPU weight (v1
`cpu.shares`, v2 `cpu.weight`): other work on a shared machine does not eat into the quota
(it still shares caches and memory bandwidth: report the load average beside the numbers).

    >>> quota_line(0.5)
    '50000 100000'
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

PERIOD_US = 100_000
SHARES_V1 = 16 * 1024  # the default is 1024 per group and per task of the parent group
WEIGHT_V2 = 1600  # the default is 100
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")


class QuotaUnavailable(RuntimeError):
    """Neither a cgroup v1 `cpu` controller nor a cgroup v2 `cpu.max` can be written here."""


def quota_line(cpu: float | None) -> str:
    """cgroup v2's `cpu.max` for `cpu` vCPUs (None: no limit, every core)."""
    return f"{'max' if cpu is None else round(cpu * PERIOD_US)} {PERIOD_US}"


def _v1_group(cpu: float | None, name: str) -> Path:
    group = V1 / name
    group.mkdir()
    (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
    (group / "cpu.cfs_quota_us").write_text(str(-1 if cpu is None else round(cpu * PERIOD_US)))
    (group / "cpu.shares").write_text(str(SHARES_V1))
    return group


def _v2_group(cpu: float | None, name: str) -> Path:
    if "cpu" not in (V2 / "cgroup.controllers").read_text().split():
        raise OSError("cgroup v2 without the cpu controller")
    group = V2 / name
    group.mkdir()
    (group / "cpu.max").write_text(quota_line(cpu))
    (group / "cpu.weight").write_text(str(WEIGHT_V2))
    return group


def which() -> str:
    """ "cgroup v1" or "cgroup v2": the hierarchy whose cpu controller this process can use."""
    if (V1 / "cpu.cfs_quota_us").is_file() and os.access(V1, os.W_OK):
        return "cgroup v1"
    if (V2 / "cgroup.controllers").is_file() and os.access(V2, os.W_OK):
        return "cgroup v2"
    raise QuotaUnavailable(
        f"no writable CPU controller: neither {V1} (cgroup v1) nor {V2}/cpu.max (cgroup v2); run as root"
    )


@contextmanager
def cpu_quota(cpu: float | None) -> Iterator[Callable[[], None]]:
    """A child group limited to `cpu` vCPUs (None: every core, with the same high weight); yields a
    `preexec_fn` that moves the new process into it.

    The group is removed on exit (the caller has stopped its processes by then).
    """
    kind = which()
    name = f"wellness-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        group = _v1_group(cpu, name) if kind == "cgroup v1" else _v2_group(cpu, name)
    except OSError as error:
        raise QuotaUnavailable(f"cannot create a {kind} group with a CPU quota: {error}") from error
    procs = str(group / "cgroup.procs")

    def join() -> None:  # runs in the child between fork and exec: no allocation-heavy work
        with open(procs, "w") as fh:
            fh.write(str(os.getpid()))

    try:
        yield join
    finally:
        try:
            group.rmdir()
        except OSError:
            pass  # a straggler still in it: the kernel keeps the empty group harmless
