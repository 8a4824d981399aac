"""Give the secrets the system can make itself a value, without it ever entering Terraform state.

Terraform creates every Secret Manager secret empty (terraform/modules/secrets). This adds the
first version of those the backend generates, when they have none:

- `jwt-signing-keys`: a JSON keyset with one new RSA key (wellness.auth.keys.new_keyset_json);
- `jwt-public-keys`: the JWKS of that keyset, public halves only (what auth-jwks serves; it is
  granted nothing else). Derived from the signing keys, and written before them on a rotation, so a
  new key is published before it signs;
- `password-reset-key`: 48 random bytes, URL-safe base64 (the HMAC key of reset links);
- `throttle-key`: the same (the HMAC key of the throttles' rows, so they hold no client or e-mail address);
- `smoke-key`: the same (the key of the release smoke's verification path, for smoke addresses only:
  only the deployer, who runs the smoke, and auth-verify-email can read it; README, "Deploying").

Values go from this process to `gcloud secrets versions add --data-file=-` on stdin: never to
a file, a log or Terraform. Secrets a person provides (`mailjet-api-key`) are only reported.
Idempotent: the deploy runs it after every candidate apply; a secret with a version is left alone.

    scripts/bootstrap-secrets --project wellness-qa                       # fill what is empty
    scripts/bootstrap-secrets --project wellness-qa --rotate jwt-signing-keys

Rotating the signing keys puts a new key first and keeps the previous one for verification,
so nobody is logged out; rotating the reset key voids the reset links already mailed.
"""

from __future__ import annotations

import argparse
import base64
import secrets as pysecrets
import subprocess
import sys
from collections.abc import Callable, Sequence

from wellness.auth.keys import new_keyset_json, public_jwks_json

Run = Callable[[Sequence[str], str | None], "subprocess.CompletedProcess[str]"]

GENERATED: dict[str, Callable[[str | None], str]] = {
    "jwt-signing-keys": lambda previous: new_keyset_json(previous),
    "password-reset-key": lambda _previous: base64.urlsafe_b64encode(pysecrets.token_bytes(48)).decode(),
    "throttle-key": lambda _previous: base64.urlsafe_b64encode(pysecrets.token_bytes(48)).decode(),
    "smoke-key": lambda _previous: base64.urlsafe_b64encode(pysecrets.token_bytes(48)).decode(),
}
SIGNING, PUBLIC = "jwt-signing-keys", "jwt-public-keys"  # the second derives from the first
PROVIDED = ("mailjet-api-key",)


class SecretsError(RuntimeError):
    pass


def run_gcloud(argv: Sequence[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["gcloud", *argv], input=stdin, capture_output=True, text=True, check=False)


def has_version(project: str, name: str, run: Run) -> bool:
    listed = run(
        ["secrets", "versions", "list", name, f"--project={project}", "--filter=state:ENABLED",
         "--format=value(name)", "--limit=1"],
        None,
    )  # fmt: skip
    if listed.returncode != 0:
        raise SecretsError(f"cannot list {name}'s versions (has Terraform created it?): {listed.stderr.strip()[:300]}")
    return bool(listed.stdout.strip())


def add_version(project: str, name: str, value: str, run: Run) -> None:
    added = run(["secrets", "versions", "add", name, f"--project={project}", "--data-file=-"], value)
    if added.returncode != 0:
        raise SecretsError(f"cannot add a version to {name}: {added.stderr.strip()[:300]}")


def read_latest(project: str, name: str, run: Run) -> str:
    accessed = run(["secrets", "versions", "access", "latest", f"--secret={name}", f"--project={project}"], None)
    if accessed.returncode != 0:
        raise SecretsError(f"cannot read the current {name}: {accessed.stderr.strip()[:300]}")
    return accessed.stdout


def bootstrap(project: str, run: Run = run_gcloud, log: Callable[[str], None] = print) -> list[str]:
    """Generate the first version of every empty generated secret; returns the ones it filled."""
    filled = []
    for name, make in GENERATED.items():
        if has_version(project, name, run):
            log(f"bootstrap-secrets: {name} has a value, left alone")
            continue
        value = make(None)
        if name == SIGNING:  # its public half first: a key is published before it signs
            add_version(project, PUBLIC, public_jwks_json(value), run)
            filled.append(PUBLIC)
        add_version(project, name, value, run)
        filled.append(name)
        log(f"bootstrap-secrets: {name} generated (first version)")
    if PUBLIC not in filled and not has_version(project, PUBLIC, run):  # an environment from before the split
        add_version(project, PUBLIC, public_jwks_json(read_latest(project, SIGNING, run)), run)
        filled.append(PUBLIC)
        log(f"bootstrap-secrets: {PUBLIC} derived from {SIGNING}")
    for name in PROVIDED:
        if not has_version(project, name, run):
            add = f'printf %s "$KEY" | gcloud secrets versions add {name} --project {project} --data-file=-'
            log(f"bootstrap-secrets: WARNING {name} has no value: mail is refused until a person adds it ({add})")
    return filled


def rotate(project: str, name: str, run: Run = run_gcloud) -> None:
    if name not in GENERATED:
        raise SecretsError(f"{name} is not generated here; rotate it where it comes from")
    previous = read_latest(project, name, run) if name == SIGNING else None
    value = GENERATED[name](previous)
    if name == SIGNING:  # publish the new key (with the previous one) before it signs anything
        add_version(project, PUBLIC, public_jwks_json(value), run)
    add_version(project, name, value, run)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bootstrap-secrets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", required=True)
    parser.add_argument("--rotate", choices=sorted(GENERATED), help="add a new version to this secret")
    args = parser.parse_args(argv)
    try:
        if args.rotate:
            rotate(args.project, args.rotate)
            print(f"bootstrap-secrets: {args.rotate} rotated")
        else:
            bootstrap(args.project)
    except SecretsError as exc:
        print(f"bootstrap-secrets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
