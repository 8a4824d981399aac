"""The `gcloud` the rehearsal puts on PATH: the commands the release runs, on the stand-in world.

Only those commands are known (tokens, Secret Manager versions, Cloud Storage objects); anything
else fails loudly, so a new gcloud call in the release shows up here instead of reaching Google.
Objects live in the world directory (`objects/`), secret values in `world.json`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from devstack.deploy.standin.rules import World


def _secret_exists(world: World, name: str) -> bool:
    made = world.read()["resources"].get("google_secret_manager_secret", {})
    return any(key.endswith(f"/secrets/{name}") for key in made)


def _object_file(world: World, url: str) -> tuple[str, str, Path]:
    bucket, _, name = url.removeprefix("gs://").partition("/")
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return bucket, name, world.path.parent / "objects" / digest


def secrets(world: World, words: list[str], flags: dict[str, str]) -> int:
    verb = words[2]
    name = flags.get("secret") or (words[3] if len(words) > 3 else "")
    if not _secret_exists(world, name):
        print(f"ERROR: (gcloud.secrets.versions.{verb}) NOT_FOUND: Secret [{name}] not found", file=sys.stderr)
        return 1
    if verb == "add":
        value = sys.stdin.read()
        world.add_secret_version(name)
        with world.changing() as data:
            data.setdefault("secret_values", {})[name] = value
        print(f"Created version [{world.enabled_versions(name)}] of the secret [{name}].", file=sys.stderr)
        return 0
    if verb == "list":
        print("\n".join(f"projects/p/secrets/{name}/versions/{n}" for n in range(world.enabled_versions(name), 0, -1)))
        return 0
    if verb == "access":
        if not world.enabled_versions(name):
            print(f"ERROR: NOT_FOUND: Secret Version [{name}/latest] not found", file=sys.stderr)
            return 1
        sys.stdout.write(world.read().get("secret_values", {}).get(name, ""))
        return 0
    return 2


def storage(world: World, words: list[str]) -> int:
    if words[1] == "cat":
        _, _, path = _object_file(world, words[2])
        if not path.is_file():
            print(
                f"ERROR: (gcloud.storage.cat) The following URLs matched no objects or files:\n{words[2]}",
                file=sys.stderr,
            )
            return 1
        sys.stdout.write(path.read_text())
        return 0
    if words[1] == "cp" and len(words) > 3 and words[3].startswith("gs://"):
        bucket, name, path = _object_file(world, words[3])
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(words[2], path)
        world.add_object(bucket, name, str(path))
        return 0
    return 2


def main(argv: list[str]) -> int:
    world = World(Path(os.environ["STANDIN_WORLD"]))
    words = [a for a in argv if not a.startswith("-")]
    flags = dict(a.removeprefix("--").partition("=")[::2] for a in argv if a.startswith("--"))
    status = 2
    if words[:1] == ["auth"] and words[1:2] in (["print-access-token"], ["print-identity-token"]):
        print("standin-token")
        status = 0
    elif words[:2] == ["secrets", "versions"] and len(words) > 2:
        status = secrets(world, words, flags)
    elif words[:1] == ["storage"] and len(words) > 2:
        status = storage(world, words)
    if status == 2:
        print(f"gcloud (stand-in): no stand-in for `gcloud {' '.join(argv)}`", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
