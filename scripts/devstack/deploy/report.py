"""The deploy's last word: which step failed, and where that leaves users.

    python3 -m devstack.deploy.report package=success record=success candidate=failure ...

Each argument is a step id of .github/workflows/deploy.yml and its outcome. Prints an
`::error::` (or `::notice::`) line, writes a table to $GITHUB_STEP_SUMMARY when set, and exits
1 when the release did not go out, so a red run always says why.
"""

from __future__ import annotations

import os
import sys

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


def main(argv: list[str]) -> int:
    outcomes = dict(arg.split("=", 1) for arg in argv if "=" in arg)
    released, message = verdict(outcomes)
    print(f"::{'notice' if released else 'error'}::deploy: {message}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a") as out:
            out.write("| step | outcome |\n| --- | --- |\n")
            rows = [*STEPS.items(), *AFTER_RELEASE.items(), ("rollback", "roll back a half-done promotion")]
            for step, label in rows:
                out.write(f"| {label} | {outcomes.get(step) or 'not run'} |\n")
            out.write(f"\n**{message}**\n")
    return 0 if released else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
