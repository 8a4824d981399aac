"""The deploy's last word: which step failed, and where that leaves users.

    python3 -m devstack.deploy.report package=success record=success candidate=failure ...

Each argument is a step id of .github/workflows/deploy.yml and its outcome. Prints an
`::error::` (or `::notice::`) line, writes a table to $GITHUB_STEP_SUMMARY when set, and exits
1 when the release did not go out, so a red run always says why. With $PROMOTION_STEPS naming
the promotion's JSON lines (devstack.deploy.promote --report), the summary also shows each
promotion step: every watched candidate's numbers against its live revision's, and the decision.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

STEPS = {
    "package": "build the bundles",
    "record": "read the release record",
    "candidate": "apply the candidate",
    "secrets": "give the generated secrets a value",
    "database": "give the migration job the schema (database bootstrap)",
    "migrate": "run the migrations",
    "smoke": "smoke test through the candidate gateway",
    "promote": "promote (traffic, then the live gateway)",
    "promoted": "write the new release record",
}
BEFORE_PROMOTION = ("package", "record", "candidate", "secrets", "database", "migrate", "smoke")
# After the release is recorded: a failure here leaves users on the new release, correctly recorded.
AFTER_RELEASE = {
    "reference": "publish the API reference",
    "seed": "seed qa's demo data",
}


def verdict(outcomes: dict[str, str]) -> tuple[bool, str]:
    """(released, message) from each step's outcome (success, failure, cancelled, skipped or empty).

    >>> verdict({s: "success" for s in STEPS} | {"rollback": "skipped"})[0]
    True
    >>> verdict({"package": "success", "record": "success", "candidate": "failure"})[1].split(":")[0]
    'apply the candidate failed'
    >>> verdict({s: "success" for s in STEPS} | {"reference": "success", "seed": "failure"})[1].split(";")[0]
    'released: users are on the new revisions and API config'
    """
    failed = next((s for s in STEPS if outcomes.get(s) in ("failure", "cancelled")), None)
    if failed is None:
        if all(outcomes.get(s) == "success" for s in STEPS):
            after = [label for s, label in AFTER_RELEASE.items() if outcomes.get(s) in ("failure", "cancelled")]
            if after:
                return False, (
                    "released: users are on the new revisions and API config; but "
                    + " and ".join(after)
                    + " failed (re-run the workflow: both are idempotent)"
                )
            return True, "released: users are on the new revisions and API config"
        return False, "the release stopped before promotion: users are still on the previous release"
    what = f"{STEPS[failed]} {'was cancelled' if outcomes[failed] == 'cancelled' else 'failed'}"
    if failed in BEFORE_PROMOTION:
        where = "users are still on the previous revisions and API config (nothing was promoted)"
        if failed == "migrate":
            where += "; the schema may be partly expanded, which the live code tolerates (expand-only)"
        if failed == "candidate":
            where += "; a half-done candidate apply moves no traffic"
        return False, f"{what}: {where}"
    if failed == "promote":
        rollback = outcomes.get("rollback", "")
        if rollback == "success":
            return False, f"{what}: rolled back, users are on the previous revisions and API config again"
        if rollback in ("", "skipped"):
            return False, f"{what} on a first deploy: there is no previous release to go back to"
        return False, (
            f"{what} and so did the rollback: users may be split between releases; re-run the workflow of the "
            "release in the record (gs://STATE_BUCKET/releases/ENV/live.json) to put them back"
        )
    return False, (
        f"{what}: users ARE on the new release but the record still names the previous one; write it by hand "
        "(python3 -m devstack.deploy.release record ...) before the next deploy"
    )


def _numbers(n: dict[str, Any]) -> str:
    p95 = "n/a" if n.get("p95_ms") is None else f"{n['p95_ms']:.0f} ms"
    return f"{n['requests']:.0f} req, {n['error_rate']:.2%} 5xx, p95 {p95}"


def promotion_table(lines: list[dict[str, Any]]) -> str:
    """The promotion's steps as a Markdown table (one row per watched function, or per step).

    >>> table = promotion_table([
    ...     {"percent": 10, "decision": "roll back", "unread": "", "verdicts": [{"function": "auth-login",
    ...      "healthy": False, "why": "5xx rate 20.00% vs 1.11% live",
    ...      "candidate": {"requests": 200, "error_rate": 0.2, "p95_ms": 95.0},
    ...      "live": {"requests": 1800, "error_rate": 0.0111, "p95_ms": 95.0}}]},
    ...     {"percent": 0, "decision": "rolled back", "unread": "", "verdicts": []}]).splitlines()
    >>> for cell in table[2].split(" | "): print(cell)
    | 10 %
    auth-login
    200 req, 20.00% 5xx, p95 95 ms
    1800 req, 1.11% 5xx, p95 95 ms
    REGRESSED: 5xx rate 20.00% vs 1.11% live
    roll back |
    >>> table[3]
    '| 0 % | | | | | rolled back |'
    """
    rows = [
        "| step | function | candidate | live revision | verdict | decision |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for line in lines:
        step = f"{line['percent']} %"
        if line.get("unread"):
            rows.append(f"| {step} | | | | metrics unread: {line['unread'][:200]} | {line['decision']} |")
        for v in line.get("verdicts", []):
            said = f"{'ok' if v['healthy'] else 'REGRESSED'}: {v['why']}"
            rows.append(
                f"| {step} | {v['function']} | {_numbers(v['candidate'])} | {_numbers(v['live'])} | {said} | "
                f"{line['decision']} |"
            )
        if not line.get("verdicts") and not line.get("unread"):
            rows.append(f"| {step} | | | | | {line['decision']} |")
    return "\n".join(rows)


def promotion_steps(path: str | None) -> list[dict[str, Any]]:
    if not path or not Path(path).is_file():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    outcomes = dict(arg.split("=", 1) for arg in argv if "=" in arg)
    released, message = verdict(outcomes)
    steps = promotion_steps(os.environ.get("PROMOTION_STEPS"))
    if steps and steps[-1]["decision"] == "rolled back":
        regressed = next(s for s in steps if s["decision"] == "roll back")
        message = (
            f"the watch stopped the promotion at {regressed['percent']} %: rolled back automatically, users are on "
            "the previous revisions and API config (see the promotion steps)"
        )
    print(f"::{'notice' if released else 'error'}::deploy: {message}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a") as out:
            out.write("| step | outcome |\n| --- | --- |\n")
            rows = [*STEPS.items(), *AFTER_RELEASE.items(), ("rollback", "roll back a half-done promotion")]
            for step, label in rows:
                out.write(f"| {label} | {outcomes.get(step) or 'not run'} |\n")
            if steps:
                out.write(f"\n### Promotion\n\n{promotion_table(steps)}\n")
            out.write(f"\n**{message}**\n")
    return 0 if released else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
