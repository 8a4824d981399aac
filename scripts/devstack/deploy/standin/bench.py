"""What the rehearsal's terraform runs cost on the stand-ins: each step's seconds, printed.

    scripts/bench-rehearsal [qa|prod] [--keep DIR]

Plays, with the rehearsal's own Workspace and Release (rehearse.py): package, init, plan, the
first release's record and candidate apply, the promote apply, a plan that shows no change,
destroy, and apply again: the terraform runs that make most of a rehearsal's time, without the
local stack (no smoke, seed or database steps). Each step's wall time, the CPU time of what it
ran (terraform, the tools it started, and the two long-lived provider processes that every
terraform command after init reattaches to: install.Providers; the state on the http
backend of state_backend.py), and the providers' share of it.
To see where a step's time goes, run this under py-spy (`py-spy record --subprocesses`), or
py-spy the provider processes by their pid.
Numbers only; nothing here is asserted (README: benchmarks print, tests count).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from devstack.deploy.standin import apis, rehearse


def steps(release: rehearse.Release) -> list[tuple[str, Callable[[], str]]]:
    ws = release.ws
    first = dict(release.release("1st"))
    return [
        ("package", ws.package),
        ("init", lambda: ws.terraform("init")),
        ("plan", lambda: ws.terraform("plan", release.bundles, "-var-file=" + str(release._first_vars()))),
        ("record (read)", first["1st record (read)"]),
        ("candidate apply", first["1st candidate apply"]),
        ("promote apply", first["1st promote"]),
        ("plan shows no change", release.plan_shows_no_change),
        ("destroy", release.destroy),
        *([("import what destroy kept", release.import_kept)] if release.protected else []),
        ("apply again", release.apply_again),
    ]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench-rehearsal", description=__doc__.split("\n\n")[0])
    parser.add_argument("env", nargs="?", default="qa")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix=f"bench-rehearsal-{args.env}-"))
    total = total_cpu = 0.0
    try:
        ws = rehearse.Workspace(root, args.env)
        with apis.Apis(ws.world) as stand_in, ws:
            providers = ws.providers
            ws.environ["GOOGLE_APIS_ENDPOINT"] = stand_in.endpoint
            release = rehearse.Release(ws, base_url=None)
            for name, step in steps(release):
                started, cpu, served = time.monotonic(), _children_cpu(), providers.cpu_seconds()
                step()
                took, served = time.monotonic() - started, providers.cpu_seconds() - served
                cpu = _children_cpu() - cpu + served
                total += took
                print(
                    f"bench-rehearsal {args.env}: {name:<24} {took:6.1f} s wall  {cpu:6.1f} s cpu"
                    f"  providers {served:5.1f} s cpu",
                    flush=True,
                )
                total_cpu += cpu
    except rehearse.StepFailed as exc:
        print(f"bench-rehearsal {args.env}: {exc.step} FAILED\n{exc.output[-4000:]}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"bench-rehearsal {args.env}: total {total:.1f} s wall  {total_cpu:.1f} s cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
