"""The `gcloud` the rehearsal puts on PATH: what the release runs, against the stand-in world.

Only the commands the deploy runs are known; anything else fails loudly, so a new gcloud call
in the release shows up here instead of reaching Google.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from devstack.deploy.standin.rules import World


def main(argv: list[str]) -> int:
    world = World(Path(os.environ["STANDIN_WORLD"]))
    words = [a for a in argv if not a.startswith("-")]
    if words[:2] == ["auth", "print-access-token"] or words[:2] == ["auth", "print-identity-token"]:
        print("standin-token")
        return 0
    if words[:3] == ["secrets", "versions", "add"]:
        sys.stdin.read()
        world.add_secret_version(words[3])
        return 0
    if words[:3] == ["secrets", "versions", "list"]:
        count = world.enabled_versions(words[3])
        print("\n".join(str(n) for n in range(1, count + 1)))
        return 0
    print(f"gcloud (stand-in): no stand-in for `gcloud {' '.join(argv)}`", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
