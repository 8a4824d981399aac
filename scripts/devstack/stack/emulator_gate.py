"""scripts/test's check, before anything runs, that the gcloud emulators can start.

Without them the tests that need Pub/Sub or Firestore skip. On a developer's machine that is a
warning; on CI (`CI=true`, which GitHub Actions sets for every step:
docs.github.com/en/actions/reference/variables-reference#default-environment-variables) it
fails the run, so a green check always ran them.

    python -m devstack.stack.emulator_gate     # exit 1 on CI without the emulators
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from devstack.stack.services import emulators_available


def verdict(env: Mapping[str, str]) -> tuple[int, str]:
    """(exit status, what to print) for an environment: the emulators' absence fails only CI."""
    ok, reason = emulators_available()
    if ok:
        return 0, ""
    if env.get("CI") == "true":
        return 1, (
            "ERROR: CI=true and the gcloud emulators are unavailable, so the tests that need them "
            f"would be skipped and the run would pass without them: {reason}"
        )
    return 0, f"WARNING: gcloud emulators unavailable, tests that need them will be skipped: {reason}"


def main() -> int:
    status, message = verdict(os.environ)
    if message:
        print(message, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
