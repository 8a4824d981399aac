"""The whole suite as two pytest sessions at once: the tests marked `own_session` in a second one.

The tests marked `own_session` (the deploy rehearsal's terraform plans and applies on the
stand-in providers, release candidates smoked and promoted, a function scaffolded and tested
in a scratch copy) are minutes each of terraform, of subprocesses and of services starting,
most of it spent waiting. `scripts/test` with no arguments runs them in a second session beside
the rest of the suite, so those minutes overlap the main session's instead of adding to them.
Each session starts its own PostgreSQL, emulators and stack on free ports
(devstack.pytest_plugin); their temporary folders are pytest's own, numbered per session.

The main session writes to the terminal, the lane to a log printed once both have ended,
then the tiers of both added together (devstack.tiers). The exit code is the main session's,
or the lane's when the main one passed. Ctrl-C reaches both (one process group): each tears
its services down before this ends.

    python -m devstack.suite [--log PATH]   (scripts/test with no arguments)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from devstack import tiers
from devstack.catalog import REPO_ROOT

LANE = "own_session"
# The files holding the tests marked `own_session`: the lane collects only these, as collecting the
# whole suite (every module's doctests) costs a session tens of seconds of CPU the other one needs.
# scripts/tests/suite checks this list against the marks, read from the test files' syntax trees.
# Balanced by measurement: with the outage drill here too (its own stack, 70 s), the lane took
# 741 s against the main session's ~480 s of e2e and the whole run grew 944 -> 1,012 s.
LANE_PATHS = (
    "tests/deploy/test_rehearsal.py",
    "scripts/tests/stack/test_candidate.py",
    "scripts/tests/scaffold/test_new_function.py",
)
DEFAULT_LOG = REPO_ROOT / ".local" / "test-logs" / f"{LANE}.log"


def sessions(python: str) -> tuple[list[str], list[str]]:
    """The main session's command and the lane's: the suite split by the lane's marker.

    The lane keeps no pytest cache: two sessions writing one `.pytest_cache` race.
    """
    pytest = [python, "-m", "pytest"]
    return [*pytest, "-m", f"not {LANE}"], [*pytest, "-m", LANE, "-p", "no:cacheprovider", *LANE_PATHS]


def _wait(process: subprocess.Popen[bytes]) -> int:
    """Its exit code; a Ctrl-C meanwhile reached it too (same process group), so it is left to tear down."""
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def run(main: Sequence[str], lane: Sequence[str], log: Path, out: TextIO = sys.stdout) -> int:
    """Run both commands at once (lane's output to `log`); print the log and both tiers; the first failure's code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wellness-suite-") as scratch:
        summaries = Path(scratch, "main.json"), Path(scratch, "lane.json")
        with log.open("wb") as lane_output:
            lane_env = {**os.environ, tiers.FILE_VARIABLE: str(summaries[1])}
            lane_process = subprocess.Popen(
                lane, stdin=subprocess.DEVNULL, stdout=lane_output, stderr=subprocess.STDOUT, env=lane_env
            )
            print(f"== the {LANE} lane runs beside this session ({' '.join(lane[2:])}), into {log}", file=out)
            out.flush()
            main_process = subprocess.Popen(main, env={**os.environ, tiers.FILE_VARIABLE: str(summaries[0])})
            main_status = _wait(main_process)
            lane_status = _wait(lane_process)
        print(f"\n== the {LANE} lane ({' '.join(lane[2:])}) exited {lane_status}; its output ({log}):", file=out)
        out.write(log.read_text(errors="replace"))
        found = [tiers.Summary.load(path) for path in summaries if path.exists()]
        print(f"\n== tiers of both sessions ({len(found)} of 2 wrote theirs)", file=out)
        for line in tiers.lines(tiers.merge(found)):
            print(line, file=out)
    out.flush()
    return main_status or lane_status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.suite", description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", type=Path, default=DEFAULT_LOG, help=f"the lane's output (default {DEFAULT_LOG})")
    args = parser.parse_args(argv)
    return run(*sessions(sys.executable), args.log)


if __name__ == "__main__":
    sys.exit(main())
