"""Deployable source bundles: one zip per catalog function, named by its content hash.

A bundle holds the function's main.py and requirements.txt, the vendored library as
`wellness/` beside main.py, and the contracts it reads at run time as
`wellness/_contracts/` (wellness.platform.contracts looks there first). No tests, no caches.
The zip is deterministic (sorted entries, fixed timestamps and modes), and its name is
`<function>-<first 16 hex of sha256 over the sorted files>.zip`, so an unchanged
function keeps its object name and Terraform does not redeploy it.

    python -m devstack.deploy.package            # writes dist/*.zip and dist/bundles.json
    >>> bundle_name("auth-jwks")          # doctest: +SKIP
    'auth-jwks-3f1c0a9e5b7d2c41.zip'
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from devstack.catalog import CONTRACTS_DIR, REPO_ROOT, load_catalog

LIBRARY_DIR = REPO_ROOT / "shared" / "wellness"
DIST_DIR = REPO_ROOT / "dist"
SKIP_PARTS = {"__pycache__", "tests", ".pytest_cache", ".mypy_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: the same bytes on every build


def _tree(root: Path, prefix: str) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_dir() or SKIP_PARTS & set(rel.parts) or path.name.startswith("test_"):
            continue
        if path.suffix in SKIP_SUFFIXES:
            continue
        files[f"{prefix}{rel.as_posix()}"] = path.read_bytes()
    return files


def bundle_files(name: str) -> dict[str, bytes]:
    """Every file of the bundle by its path inside the zip."""
    source = load_catalog().function(name).source_dir
    own = {"main.py": (source / "main.py").read_bytes(), "requirements.txt": (source / "requirements.txt").read_bytes()}
    return {**own, **_tree(LIBRARY_DIR, "wellness/"), **_tree(CONTRACTS_DIR, "wellness/_contracts/")}


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        content = files[path]
        # Lengths keep "a"+"bc" and "ab"+"c" apart.
        digest.update(f"{path}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def bundle_name(name: str, files: dict[str, bytes] | None = None) -> str:
    return f"{name}-{content_hash(files or bundle_files(name))}.zip"


def write_bundle(name: str, out_dir: Path = DIST_DIR) -> Path:
    files = bundle_files(name)
    target = out_dir / bundle_name(name, files)
    out_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[path])
    return target


def bundled_functions() -> list[str]:
    return [fn.name for fn in load_catalog().functions]


def package_all(out_dir: Path = DIST_DIR) -> dict[str, Path]:
    """Build every bundle and dist/bundles.json ({function: zip name}), Terraform's `bundles` variable."""
    built = {name: write_bundle(name, out_dir) for name in bundled_functions()}
    manifest = {"bundle_dir": str(out_dir), "bundles": {name: path.name for name, path in built.items()}}
    (out_dir / "bundles.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return built


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DIST_DIR, help="folder for the zips (default dist/)")
    args = parser.parse_args(argv)
    for stale in args.out.glob("*.zip") if args.out.is_dir() else []:
        stale.unlink()  # only the current bundles: Terraform uploads what bundles.json names
    built = package_all(args.out)
    width = max(len(name) for name in built)
    for name, path in built.items():
        print(f"{name:<{width}}  {path.stat().st_size / 1024:8.1f} KiB  {path.name}")
    print(f"{len(built)} bundles in {args.out}, manifest {args.out / 'bundles.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
