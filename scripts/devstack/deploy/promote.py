"""Promote a release in steps, watched: the candidates take 10 %, then 50 %... then everything.

    python -m devstack.deploy.promote --tf-dir terraform/envs/qa --bundles dist/bundles.json \\
        --live-vars release.tfvars.json --promote-vars promote.tfvars.json --candidates candidate.json \\
        (--project PROJECT | --prometheus URL) [--instant] [--settle SECONDS] [--report steps.jsonl]

Each step below 100 is an apply with the live record's variables and `candidate_percent` set:
Cloud Run splits each changed HTTP function's traffic between its live revision and its
candidate while the live gateway keeps pointing at the service URLs. After the step has run
for the watch window (`--settle`, default the longest of the changed functions' windows), the
watch (devstack.deploy.watch) compares each candidate with its live revision. A regression, or
metrics that cannot be read, applies the live record again with `candidate_percent = 0`: users
are back on the live revisions, the release stops (exit 3), nothing is recorded. After the
last step, the apply with promote.tfvars.json makes the candidates live at 100 % and moves the
live gateway (the blue/green promotion as before). `--instant` (or catalog steps `[100]`)
goes there at once.

Every step's decision is a JSON line in `--report` (devstack.deploy.report shows them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from devstack.deploy import watch
from devstack.deploy.release import apply_argv, run_command

Apply = Callable[[Path, int], None]


class PromotionFailed(RuntimeError):
    pass


def terraform_apply(tf_dir: Path, bundles: Path) -> Apply:
    def apply(var_file: Path, percent: int) -> None:
        done = run_command(apply_argv(tf_dir, bundles, var_file, variables=[f"candidate_percent={percent}"]))
        if done.returncode != 0:
            raise PromotionFailed(f"apply at {percent} % failed:\n{(done.stdout + done.stderr)[-4000:]}")

    return apply


def report(path: Path | None, entry: dict[str, Any]) -> None:
    if path is not None:
        with path.open("a") as out:
            out.write(json.dumps(entry) + "\n")


def promote(
    apply: Apply,
    query: watch.Query,
    changed: dict[str, tuple[str, str]],
    live_vars: Path,
    promote_vars: Path,
    steps: Sequence[int],
    settle: Callable[[], None],
    log: Callable[[str], None] = print,
    report_to: Path | None = None,
    at: float | None = None,
) -> bool:
    """True once promoted; False when a step regressed and users were put back on the live revisions."""
    for percent in [s for s in steps if s < 100] if changed else []:
        apply(live_vars, percent)
        log(f"promote: candidates at {percent} % of their functions' traffic; watching")
        settle()
        try:
            verdicts = watch.watch(query, changed, at)
            unread = ""
        except watch.WatchError as exc:
            verdicts, unread = [], str(exc)
        for v in verdicts:
            log(f"promote {percent} %: {v.function}: {'ok' if v.healthy else 'REGRESSED'} ({v.why})")
        healthy = not unread and all(v.healthy for v in verdicts)
        decision = "continue" if healthy else "roll back"
        report(
            report_to,
            {
                "percent": percent,
                "decision": decision,
                "unread": unread,
                "verdicts": [watch.as_dict(v) for v in verdicts],
            },
        )
        if not healthy:
            apply(live_vars, 0)
            log(f"promote: {unread or 'a candidate regressed'}: rolled back, users are on the live revisions")
            report(report_to, {"percent": 0, "decision": "rolled back", "unread": "", "verdicts": []})
            return False
    apply(promote_vars, 0)
    report(report_to, {"percent": 100, "decision": "promoted", "unread": "", "verdicts": []})
    log("promote: the candidates are live at 100 %, and the live gateway on this release's config")
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.deploy.promote", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tf-dir", type=Path, required=True)
    parser.add_argument("--bundles", type=Path, required=True)
    parser.add_argument("--live-vars", type=Path, required=True, help="release.tfvars.json (the live record)")
    parser.add_argument("--promote-vars", type=Path, required=True)
    parser.add_argument("--candidates", type=Path, required=True, help="terraform output -json of the candidate apply")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--project", help="watch through Cloud Monitoring's PromQL API")
    where.add_argument("--prometheus", help="watch through this Prometheus (the rehearsal's)")
    parser.add_argument("--instant", action="store_true", help="100 % at once, unwatched (the blue/green switch)")
    parser.add_argument("--settle", type=float, help="seconds each step runs before it is judged (default: the window)")
    parser.add_argument("--report", type=Path, help="append each step's decision (JSON lines)")
    parser.add_argument(
        "--at", type=float, help="judge the window ending at this UNIX time (the rehearsal's recordings)"
    )
    args = parser.parse_args(argv)
    changed = watch.changed_functions(json.loads(args.candidates.read_text()), json.loads(args.live_vars.read_text()))
    steps = [100] if args.instant else list(watch.release_steps())
    wait = args.settle if args.settle is not None else max([watch.policy(f).window_seconds for f in changed] or [0])
    try:
        query: watch.Query = (
            watch.PrometheusApi(args.prometheus)
            if args.prometheus
            else watch.PrometheusApi(watch.CLOUD_MONITORING.format(project=args.project), watch.access_token())
        )
        promoted = promote(
            terraform_apply(args.tf_dir, args.bundles),
            query,
            changed,
            args.live_vars,
            args.promote_vars,
            steps,
            lambda: time.sleep(wait),
            report_to=args.report,
            at=args.at,
        )
    except (PromotionFailed, watch.WatchError) as exc:
        print(f"promote: {exc}", file=sys.stderr)
        return 1
    return 0 if promoted else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
