"""Contract testing: schemathesis against the API through the gateway, as a real signed-up user.

Every operation of contracts/openapi.yaml gets generated requests, valid and invalid,
and each answer is checked against the contract (status codes, content types, response
schemas), invalid input must be rejected, protected operations must refuse requests
without a token, and nothing may answer 5xx.

    scripts/contract-test                          # starts its own local stack
    scripts/contract-test --base-url URL           # an already running gateway
    scripts/contract-test --max-examples 200       # a larger budget than CI's

It prints how many cases were generated per operation and exits non-zero on any failure.

Strings are generated from all of Unicode but surrogates (`--generation-codec utf-8`),
NUL included (`--generation-allow-x00 true`), and the hooks in devstack.contract.hooks
put lone surrogates, control characters, bidi overrides and zero-width characters into
the bodies, queries and paths of every operation (issue 12's hostile input).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from devstack.catalog import CONTRACTS_DIR, REPO_ROOT
from devstack.stack import accounts

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)
PHASES = "examples,coverage,fuzzing,stateful"
HOOKS = "devstack.contract.hooks"


def sign_up(base_url: str, mail_dir: Path | None = None) -> str:
    """A real user's access token, once their profile exists (so profile operations can answer 200).

    With the local stack's `mail_dir`, the address is verified first (the mailed link), so the
    community's writes answer as for a member, not 403 email_not_verified.
    """
    email = f"contract-{uuid.uuid4().hex[:10]}@example.com"
    account = accounts.sign_up(base_url, email=email, display_name="Contract", timezone="UTC", mail_dir=mail_dir)
    accounts.wait_for_profile(base_url, account.session.access_token)
    return account.session.access_token


def cases_per_operation(ndjson: Path) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for line in ndjson.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if finished:
            recorder = finished.get("recorder") or {}
            counts[recorder.get("label", "?")] += len(recorder.get("cases") or {})
    return dict(counts)


def run(
    base_url: str,
    *,
    max_examples: int,
    seed: int | None = None,
    phases: str = PHASES,
    mail_dir: Path | None = None,
) -> tuple[int, dict[str, int]]:
    """(schemathesis's exit code, cases generated per operation); `mail_dir`: verify the user's address."""
    token = sign_up(base_url, mail_dir)
    schemathesis = Path(sys.executable).parent / "schemathesis"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "events.ndjson"
        command = [
            str(schemathesis),
            "run",
            str(CONTRACTS_DIR / "openapi.yaml"),
            "--url",
            base_url,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            ",".join(CHECKS),
            "--phases",
            phases,
            "--max-examples",
            str(max_examples),
            "--workers",
            "1",
            # Above the gateway's own 15 s deadline: a slow backend is the gateway's 504 (a finding),
            # while a cold function's first answer on a busy machine is not mistaken for a hang.
            "--request-timeout",
            "20",
            "--generation-codec",
            "utf-8",
            "--generation-allow-x00",
            "true",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            "--report-dir",
            tmp,
        ]
        if seed is not None:
            command += ["--seed", str(seed)]
        paths = [str(REPO_ROOT / "scripts"), str(REPO_ROOT / "shared"), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        status = subprocess.run(command, check=False, timeout=3600, env=env).returncode
        counts = cases_per_operation(report) if report.exists() else {}
    return status, counts


def print_counts(counts: dict[str, int]) -> None:
    print("\ncases generated per operation:")
    for label in sorted(counts, key=lambda op: (op.split(" ", 1)[1], op)):
        print(f"  {counts[label]:6d}  {label}")
    print(f"  {sum(counts.values()):6d}  in all, {len(counts)} operations")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running gateway (default: start a local stack for the run)")
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    if args.base_url:
        status, counts = run(args.base_url.rstrip("/"), max_examples=args.max_examples, seed=args.seed)
    else:
        from devstack.stack.services import free_port
        from devstack.stack.stack import Stack

        with tempfile.TemporaryDirectory(prefix="contract-test-") as state:
            stack = Stack(Path(state), gateway_port=free_port(), progress=print).up()
            try:
                assert stack.gateway_url
                status, counts = run(
                    stack.gateway_url, max_examples=args.max_examples, seed=args.seed, mail_dir=stack.mail_dir
                )
            finally:
                stack.down(clean=True)
    print_counts(counts)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
