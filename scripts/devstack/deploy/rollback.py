"""Roll an environment back to a recorded release: one apply, traffic and live gateway, no migration.

    scripts/rollback ENV [RELEASE]      # RELEASE: a recorded ref; default the one live before

The target is `gs://STATE_BUCKET/releases/ENV/<RELEASE>.json` (written by `release record` at
each promotion). One `terraform apply` of the checkout's configuration with that record's
live_revisions and live_api_config moves every function's traffic to its recorded revision
and the live gateway to its recorded config; the bundles (dist/bundles.json, `scripts/package`)
are the checkout's, so the checkout must be the live release's commit (the rollback workflow
checks it out): its revisions stay as the 0 % candidates and nothing else changes. Then
live.json names the target again (with `rolled_back_from`).

Migrations never run, backwards or forwards: they are expand-only, so the older revisions serve
on the newer schema, and the older migration job, if anyone runs it, finds the database ahead
of its files, says so and does nothing (wellness.migrations.lineage).

A function the target release did not have keeps its current revision (there is no older one);
a gateway config the promotion since deleted is created again from the checkout's document,
whose routes all point at the service URLs, i.e. at the revisions the same apply made live.

Standard library only, like devstack.deploy.release: the workflow runs it with python3.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from devstack.deploy.release import ReleaseError, Run, apply_argv, fetch, history_url, run_command, tfvars, write_record

REPO_ROOT = Path(__file__).resolve().parents[3]


def state_bucket(tf_dir: Path) -> str:
    """$STATE_BUCKET, else the bucket the environment's backend.hcl names (terraform/README.md step 2)."""
    if os.environ.get("STATE_BUCKET"):
        return os.environ["STATE_BUCKET"]
    found = re.search(r'bucket\s*=\s*"([^"]+)"', (tf_dir / "backend.hcl").read_text())
    if not found:
        raise ReleaseError(f"no STATE_BUCKET and no bucket in {tf_dir / 'backend.hcl'}")
    return found.group(1)


def target(live: dict[str, Any], release: str | None, record_url: str, run: Run) -> dict[str, Any]:
    """The recorded release to go back to: `release`, or the one live before the live one."""
    ref = release or live.get("previous", "")
    if not ref:
        raise ReleaseError(f"{live['ref']} is the first recorded release: name the release to go back to")
    if ref == live["ref"]:
        raise ReleaseError(f"{ref} is already live")
    found = fetch(history_url(record_url, ref), run)
    if found is None:
        raise ReleaseError(f"no recorded release {ref} ({history_url(record_url, ref)})")
    return found


def rollback(env: str, release: str | None, tf_dir: Path, bundles: Path, run: Run = run_command) -> str:
    """Apply the target release's record and make it the live one; what was done, in a sentence."""
    record_url = f"gs://{state_bucket(tf_dir)}/releases/{env}/live.json"
    live = fetch(record_url, run)
    if live is None:
        raise ReleaseError(f"no release record at {record_url}: nothing was released, nothing to roll back")
    back = target(live, release, record_url, run)
    if not bundles.is_file():
        raise ReleaseError(f"no {bundles}: run scripts/package on the live release's commit ({live['ref']}) first")
    with tempfile.TemporaryDirectory(prefix="rollback-") as scratch:
        tf_vars = Path(scratch) / "rollback.tfvars.json"
        tf_vars.write_text(json.dumps(tfvars(back), indent=2, sort_keys=True) + "\n")
        applied = run(apply_argv(tf_dir, bundles, tf_vars))
        if applied.returncode != 0:
            raise ReleaseError(
                f"the rollback apply failed: users may be split between {live['ref']} and {back['ref']}; "
                f"run it again.\n{(applied.stdout + applied.stderr)[-4000:]}"
            )
        write_record({**back, "rolled_back_from": live["ref"]}, record_url, Path(scratch) / "live.json", run)
    return (
        f"rolled back {env} from {live['ref']} to {back['ref']}: {len(back['live_revisions'])} revisions and "
        f"API config {back['live_api_config']} live again; no migration ran"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/rollback", description=__doc__.split("\n\n")[0])
    parser.add_argument("env", help="the environment (terraform/envs/ENV)")
    parser.add_argument("release", nargs="?", help="the recorded release (ref) to go back to; default the previous")
    parser.add_argument("--tf-dir", type=Path, help="the Terraform root (default terraform/envs/ENV)")
    parser.add_argument("--bundles", type=Path, default=REPO_ROOT / "dist" / "bundles.json")
    args = parser.parse_args(argv)
    try:
        tf_dir = args.tf_dir or REPO_ROOT / "terraform" / "envs" / args.env
        done = rollback(args.env, args.release, tf_dir, args.bundles)
    except ReleaseError as exc:
        print(f"rollback: {exc}", file=sys.stderr)
        return 1
    print(f"rollback: {done}")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a") as out:
            out.write(f"**{done}**\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
