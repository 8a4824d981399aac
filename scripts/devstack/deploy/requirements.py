"""Each function's requirements.txt, derived from the catalog: only what it imports.

`python -m devstack.deploy.requirements --write` regenerates them after a catalog change;
tests/test_catalog.py fails when a file differs from what this derives. Versions
come from requirements-dev.txt, so a function never runs what the tests did not.
"""

from __future__ import annotations

import re
import sys

from devstack.catalog import REPO_ROOT, Function, load_catalog

# tzdata: days and streaks are computed in the user's IANA zone, and zoneinfo needs a
# zone database the runtime image does not promise.
BASE = (
    "functions-framework",
    "PyYAML",
    "jsonschema",
    "tzdata",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp-proto-grpc",
    "opentelemetry-resourcedetector-gcp",
    "opentelemetry-propagator-gcp",
    "google-auth",
)
BY_STORE = {
    "postgres": ("SQLAlchemy", "pg8000", "cloud-sql-python-connector"),
    "firestore": ("google-cloud-firestore",),
    "pubsub": ("requests",),  # Pub/Sub over REST (wellness.platform.pubsub), with google-auth
}
SECRETS = ("google-cloud-secret-manager",)
BY_DOMAIN = {"auth": ("PyJWT", "cryptography", "argon2-cffi")}


def pins() -> dict[str, str]:
    found = {}
    for line in (REPO_ROOT / "requirements-dev.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            found[match.group(1).lower()] = f"{match.group(1)}=={match.group(2)}"
    return found


def expected(fn: Function) -> str:
    names = list(BASE)
    for store in fn.stores:
        names += BY_STORE[store]
    if fn.secrets:
        names += SECRETS
    names += BY_DOMAIN.get(fn.domain, ())
    names += fn.packages
    pinned = pins()
    lines = [pinned[name.lower()] for name in dict.fromkeys(names)]
    header = f"# {fn.name}: generated from functions/catalog.yaml by `python -m devstack.deploy.requirements --write`\n"
    return header + "\n".join(sorted(lines, key=str.lower)) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for fn in load_catalog().functions:
        path = fn.source_dir / "requirements.txt"
        want = expected(fn)
        if not path.exists() or path.read_text() != want:
            stale.append(fn.name)
            if "--write" in argv:
                path.write_text(want)
    verb = "wrote" if "--write" in argv else "stale"
    print(f"{verb}: {', '.join(stale) or 'nothing'}")
    return 1 if stale and "--write" not in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
