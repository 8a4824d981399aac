"""The release record: what users are on now, read strictly, and written only after a promotion.

`gs://STATE_BUCKET/releases/ENV/live.json` holds the live API config, the live revision of
every function, the commit they came from and the release live before it (`previous`). Each
record is also kept as `releases/ENV/<ref>.json`, the history `scripts/rollback` goes back to
(devstack.deploy.rollback). The deploy workflow:

    python3 -m devstack.deploy.release read --record gs://B/releases/qa/live.json \\
        --tf-dir terraform/envs/qa --out release.tfvars.json      # before the candidate apply
    python3 -m devstack.deploy.release promote-vars --outputs candidate.json --out promote.tfvars.json
    python3 -m devstack.deploy.release record --outputs candidate.json --ref "$GITHUB_SHA" \\
        --record gs://B/releases/qa/live.json                       # after the promotion

Reading fails unless the record is there and well formed, with one exception: the object does
not exist *and* the Terraform state has no Cloud Run service, which is a first deploy. Any
other failure (no access, a network error, a malformed record, a record missing while services
exist) stops the deploy: guessing "first deploy" would send users to untested revisions.

Standard library only: the workflow runs it with the runner's python3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Run = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]
# How `gcloud storage cat` says the object is not there (anything else is a real failure).
NOT_FOUND = ("matched no objects", "no urls matched", "not found", "404")


class ReleaseError(RuntimeError):
    pass


def run_command(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, check=False)


def validate(record: Any) -> dict[str, Any]:
    """The record, checked: live_api_config (str), live_revisions ({function: revision}), ref (str).

    >>> validate({"live_api_config": "a1b2", "live_revisions": {"auth-login": "auth-login-0a"}, "ref": "f00"})["ref"]
    'f00'
    >>> validate({"live_api_config": "a1b2"})  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    devstack.deploy.release.ReleaseError: malformed release record: needs live_api_config, live_revisions, ref
    """
    if not isinstance(record, dict) or not {"live_api_config", "live_revisions", "ref"} <= set(record):
        raise ReleaseError("malformed release record: needs live_api_config, live_revisions, ref")
    revisions = record["live_revisions"]
    if not isinstance(record["live_api_config"], str) or not isinstance(revisions, dict):
        raise ReleaseError("malformed release record: live_api_config is a string, live_revisions an object")
    if not all(isinstance(k, str) and isinstance(v, str) and v.startswith(f"{k}-") for k, v in revisions.items()):
        raise ReleaseError("malformed release record: each live revision is named after its function")
    if not isinstance(record.get("previous", ""), str):
        raise ReleaseError("malformed release record: previous is a ref (a string)")
    return record


def history_url(record_url: str, ref: str) -> str:
    """Where the record of release `ref` is kept: beside live.json.

    >>> history_url("gs://b/releases/qa/live.json", "f00")
    'gs://b/releases/qa/f00.json'
    """
    if not ref or "/" in ref or ref == "live":
        raise ReleaseError(f"a release is named by its ref (no '/', not 'live'), not {ref!r}")
    return f"{record_url.rsplit('/', 1)[0]}/{ref}.json"


def fetch(record_url: str, run: Run = run_command) -> dict[str, Any] | None:
    """The record at record_url, validated; None when there is no such object (raises on anything else)."""
    fetched = run(["gcloud", "storage", "cat", record_url])
    if fetched.returncode != 0:
        if any(marker in fetched.stderr.lower() for marker in NOT_FOUND):
            return None
        raise ReleaseError(f"cannot read the release record {record_url}: {fetched.stderr.strip()[:500]}")
    try:
        return validate(json.loads(fetched.stdout))
    except ValueError as exc:
        raise ReleaseError(f"malformed release record {record_url}: {exc}") from None


def state_has_services(tf_dir: str, run: Run = run_command) -> bool:
    """Whether the Terraform state already holds a Cloud Run service (raises when the state cannot be read)."""
    pulled = run(["terraform", f"-chdir={tf_dir}", "state", "pull"])
    if pulled.returncode != 0:
        raise ReleaseError(f"cannot read the Terraform state: {pulled.stderr.strip()[:500]}")
    if not pulled.stdout.strip():
        return False
    state = json.loads(pulled.stdout)
    return any(r.get("type") == "google_cloud_run_v2_service" for r in state.get("resources", []))


def read(record_url: str, tf_dir: str, run: Run = run_command) -> tuple[dict[str, Any], bool]:
    """(record, first_deploy). Raises ReleaseError unless the record is read or this is a first deploy."""
    fetched = run(["gcloud", "storage", "cat", record_url])
    if fetched.returncode == 0:
        try:
            return validate(json.loads(fetched.stdout)), False
        except ValueError as exc:
            raise ReleaseError(f"malformed release record {record_url}: {exc}") from None
    error = fetched.stderr.strip()
    if not any(marker in error.lower() for marker in NOT_FOUND):
        raise ReleaseError(f"cannot read the release record {record_url}: {error[:500]}")
    if state_has_services(tf_dir, run):
        raise ReleaseError(
            f"no release record at {record_url}, but the Terraform state has Cloud Run services: restore the "
            "record from the bucket's object versions (gcloud storage ls -a) rather than deploy blind"
        )
    return {"live_api_config": "", "live_revisions": {}, "ref": ""}, True


def tfvars(record: dict[str, Any]) -> dict[str, Any]:
    """The variables that keep users where the record says they are."""
    return {"live_api_config": record["live_api_config"], "live_revisions": record["live_revisions"]}


def outputs_value(outputs: dict[str, Any], name: str) -> Any:
    """A value from `terraform output -json`."""
    if name not in outputs:
        raise ReleaseError(f"terraform output {name!r} is missing")
    return outputs[name]["value"]


def promoted(outputs: dict[str, Any], ref: str) -> dict[str, Any]:
    """The record after promoting this apply's candidates.

    >>> promoted({"release_api_config": {"value": "c0ffee"}, "candidate_revisions": {"value": {"a": "a-1"}}}, "f00")
    {'live_api_config': 'c0ffee', 'live_revisions': {'a': 'a-1'}, 'ref': 'f00'}
    """
    return validate(
        {
            "live_api_config": outputs_value(outputs, "release_api_config"),
            "live_revisions": outputs_value(outputs, "candidate_revisions"),
            "ref": ref,
        }
    )


def apply_argv(tf_dir: str | Path, *var_files: Path, variables: Sequence[str] = ()) -> list[str]:
    """`terraform apply` of tf_dir as the release runs it: unattended, bundles and settings as var files.

    >>> apply_argv("t", Path("/b.json"), variables=["candidate_percent=10"])[-2:]
    ['-var-file=/b.json', '-var=candidate_percent=10']
    """
    return [
        "terraform",
        f"-chdir={tf_dir}",
        "apply",
        "-input=false",
        "-auto-approve",
        "-no-color",
        *(f"-var-file={path.resolve()}" for path in var_files),
        *(f"-var={variable}" for variable in variables),
    ]


def write_record(record: dict[str, Any], record_url: str, scratch: Path, run: Run = run_command) -> None:
    """live.json, and first the release's own copy in the history (a rollback target from then on)."""
    scratch.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    for url in (history_url(record_url, record["ref"]), record_url):
        copied = run(["gcloud", "storage", "cp", str(scratch), url])
        if copied.returncode != 0:
            raise ReleaseError(f"cannot write the release record {url}: {copied.stderr.strip()[:500]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m devstack.deploy.release", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    read_p = sub.add_parser("read", help="read the record; write the tfvars that keep users where they are")
    read_p.add_argument("--record", required=True)
    read_p.add_argument("--tf-dir", required=True)
    read_p.add_argument("--out", type=Path, required=True)
    vars_p = sub.add_parser("promote-vars", help="the tfvars that promote the candidates of an apply")
    vars_p.add_argument("--outputs", type=Path, required=True, help="terraform output -json of the candidate apply")
    vars_p.add_argument("--out", type=Path, required=True)
    rec_p = sub.add_parser("record", help="write the record after a promotion")
    rec_p.add_argument("--outputs", type=Path, required=True)
    rec_p.add_argument("--ref", required=True)
    rec_p.add_argument("--record", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "read":
            record, first = read(args.record, args.tf_dir)
            args.out.write_text(json.dumps(tfvars(record), indent=2, sort_keys=True) + "\n")
            what = "first deploy: no release yet" if first else f"users are on {record['ref'][:12]}"
            print(f"release: {what} ({len(record['live_revisions'])} live revisions)")
            if os.environ.get("GITHUB_OUTPUT"):  # the workflow's later steps read it
                with open(os.environ["GITHUB_OUTPUT"], "a") as out:
                    out.write(f"first_deploy={'true' if first else 'false'}\n")
        elif args.command == "promote-vars":
            record = promoted(json.loads(args.outputs.read_text()), "")
            args.out.write_text(json.dumps(tfvars(record), indent=2, sort_keys=True) + "\n")
        else:
            record = promoted(json.loads(args.outputs.read_text()), args.ref)
            before = fetch(args.record)  # the release this one replaces: the default rollback target
            if before is not None and before["ref"] != args.ref:
                record["previous"] = before["ref"]
            write_record(record, args.record, args.outputs.with_name("live.json"))
            print(f"release: recorded {args.ref[:12]} as live in {args.record}")
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
