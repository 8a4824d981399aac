"""Deployable source bundles: one .tar.gz per catalog function, named by its content hash.

A bundle holds the function's main.py and requirements.txt, and of the library only what
that function runs: the `wellness` modules main.py imports, transitively (imports inside
functions too, which the library uses to load clients lazily; not those under
`if TYPE_CHECKING:`, which never run), the `__init__.py` of every package on the way, the
data files those modules declare, and the contract files their code reads, as
`wellness/_contracts/` (wellness.platform.contracts looks there first; openapi.yaml already
parsed, as openapi.json: devstack.deploy.precompile). Found statically, by
reading the source, so an edit changes only the bundles of the functions that run the edited
file: an unchanged function keeps its bundle name, its image and its revision.

What imports cannot show, the library declares beside the code, as module-level literals
that packaging reads without importing the library:

- `BUNDLE_DATA` in a module: glob patterns, relative to its folder, of the files it opens by
  path (the migrations: Alembic loads `env.py` and `versions/*.py` from their folder); the
  `.py` files among them are walked for imports like any module;
- `CONTRACT_FILES` in `wellness.platform.contracts`: for each reader (`openapi`,
  `event_schema`, ...) the files or folders under contracts/ it opens; a bundle ships them
  when one of its modules uses that reader.

A bundle is a gzipped tar: Cloud Run's builds:submit takes its source as a `StorageSource`, whose
object "must be a gzipped archive file (.tar.gz)" (Cloud Run Admin API v2, StorageSource:
https://cloud.google.com/ruby/docs/reference/google-cloud-run-v2/latest/Google-Cloud-Run-V2-StorageSource). It is
deterministic (sorted entries, fixed times, owners and modes, a gzip header with no name and no
time): the same files give the same bytes. Its name is
`<function>-<first 16 hex of sha256 over the sorted files>.tar.gz`.

    python -m devstack.deploy.package            # writes dist/*.tar.gz and dist/bundles.json
    >>> part = library_part("reporting-on-task-completed")
    >>> "wellness.reporting.model" in part.module_names, "wellness.auth.model" in part.module_names
    (True, False)
    >>> sorted(part.readers)   # a subscriber validates events; it never reads openapi.yaml
    ['envelope_schema', 'event_schema']
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import gzip
import hashlib
import io
import json
import sys
import tarfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from devstack.catalog import CONTRACTS_DIR, REPO_ROOT, Catalog, load_catalog
from devstack.deploy.precompile import precompile

LIBRARY = "wellness"
SHARED_DIR = REPO_ROOT / "shared"
LIBRARY_DIR = SHARED_DIR / LIBRARY
CONTRACTS_MODULE = "wellness.platform.contracts"
BUNDLED_CONTRACTS = "wellness/_contracts/"
DIST_DIR = REPO_ROOT / "dist"
SKIP_PARTS = {"__pycache__", "tests", ".pytest_cache", ".mypy_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo")
SUFFIX = ".tar.gz"
ARCHIVE_TIME = 315532800  # 1980-01-01T00:00:00Z for every entry: the same bytes on every build


@cache
def _catalog() -> Catalog:
    return load_catalog()


def _shipped(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    return (
        path.is_file()
        and not SKIP_PARTS & set(rel.parts)
        and not path.name.startswith("test_")
        and path.suffix not in SKIP_SUFFIXES
    )


def _module_file(module: str) -> Path | None:
    """The file of a library module or package, or None when the name is not a module (a class, a function)."""
    base = SHARED_DIR.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path) -> str:
    """The package a file's relative imports start from."""
    return ".".join(path.parent.relative_to(SHARED_DIR).parts) if path.is_relative_to(SHARED_DIR) else ""


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of the tree except the bodies of `if TYPE_CHECKING:` (they never run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def _from_base(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*parts, node.module] if node.module else parts)


def _imports(tree: ast.AST, package: str) -> set[str]:
    """The library modules a file imports: for `from a import b`, `a` and `a.b` (a module when one exists)."""
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, package)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    with_parents = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 2)}
    return {m for m in with_parents if m.split(".")[0] == LIBRARY}


def _declared(tree: ast.Module, name: str) -> object:
    """A module-level literal (`NAME = ...` or `NAME: T = ...`), or None."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return ast.literal_eval(node.value) if node.value else None
    return None


def _contract_readers(tree: ast.AST, package: str, readers: Iterable[str]) -> set[str]:
    """The contract readers a file uses: `contracts.openapi()`, `from .contracts import openapi`."""
    readers = set(readers)
    aliases: set[str] = set()  # names bound to the contracts module
    used: set[str] = set()
    nodes = list(_runtime_nodes(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = _from_base(node, package)
            for alias in node.names:
                if f"{base}.{alias.name}" == CONTRACTS_MODULE:
                    aliases.add(alias.asname or alias.name)
                elif base == CONTRACTS_MODULE and alias.name in readers:
                    used.add(alias.name)
        elif isinstance(node, ast.Import):
            aliases.update(a.asname for a in node.names if a.name == CONTRACTS_MODULE and a.asname)
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            used.add(node.attr)
    return used & readers


@cache
def _contract_files() -> dict[str, tuple[str, ...]]:
    path = _module_file(CONTRACTS_MODULE)
    assert path is not None, f"{CONTRACTS_MODULE} is missing"
    declared = _declared(ast.parse(path.read_bytes()), "CONTRACT_FILES")
    if not isinstance(declared, dict):
        raise ValueError(f"{path}: CONTRACT_FILES must be a dict literal {{reader: (file or folder, ...)}}")
    return {str(reader): tuple(str(f) for f in files) for reader, files in declared.items()}


@dataclasses.dataclass(frozen=True)
class _Facts:
    """What packaging needs to know of one file: the library modules and data it needs, the readers it calls."""

    modules: tuple[Path, ...]
    data: tuple[Path, ...]
    readers: frozenset[str]


@cache
def _facts(path: Path, mtime_ns: int) -> _Facts:
    """Each file is read once per run, however many bundles hold it (the mtime keeps an edited file fresh)."""
    del mtime_ns
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = _package_of(path)
    modules = [f for m in sorted(_imports(tree, package)) if (f := _module_file(m)) is not None]
    patterns = _declared(tree, "BUNDLE_DATA") if path.is_relative_to(LIBRARY_DIR) else None
    if not isinstance(patterns, tuple | None):
        raise ValueError(f"{path}: BUNDLE_DATA must be a tuple of glob patterns")
    data = [m for p in patterns or () for m in sorted(path.parent.glob(str(p))) if _shipped(m, LIBRARY_DIR)]
    return _Facts(tuple(modules), tuple(data), frozenset(_contract_readers(tree, package, _contract_files())))


@dataclasses.dataclass(frozen=True)
class LibraryPart:
    """The library files one function runs: modules (reached by imports), data (declared), contract readers used."""

    modules: frozenset[Path]
    data: frozenset[Path]
    readers: frozenset[str]

    @property
    def module_names(self) -> list[str]:
        """The dotted names of the modules, as the function imports them."""
        names = (path.relative_to(SHARED_DIR).with_suffix("").parts for path in self.modules)
        return sorted(".".join(parts[:-1] if parts[-1] == "__init__" else parts) for parts in names)


def library_part(name: str) -> LibraryPart:
    """Walk the imports from the function's main.py through the library, and the data files modules declare."""
    modules: set[Path] = set()
    data: set[Path] = set()
    readers: set[str] = set()
    queue = [_catalog().function(name).source_dir / "main.py"]
    while queue:
        facts = _facts(path := queue.pop(), path.stat().st_mtime_ns)
        readers |= facts.readers
        for file, kind in [*((m, modules) for m in facts.modules), *((d, data) for d in facts.data)]:
            if file not in modules | data:
                kind.add(file)
                if file.suffix == ".py":
                    queue.append(file)  # a data .py (Alembic's env.py, a migration) imports the library too
    return LibraryPart(frozenset(modules), frozenset(data), frozenset(readers))


def library_files(name: str) -> dict[str, bytes]:
    """The library part of a function's bundle: its modules and data as `wellness/...`, its contracts."""
    part = library_part(name)
    files = {path.relative_to(SHARED_DIR).as_posix(): path.read_bytes() for path in part.modules | part.data}
    contract_files = _contract_files()
    for entry in sorted({f for reader in part.readers for f in contract_files[reader]}):
        source = CONTRACTS_DIR / entry
        found = sorted(source.rglob("*")) if source.is_dir() else [source]
        if not found or not all(p.exists() for p in found):
            raise FileNotFoundError(f"CONTRACT_FILES names contracts/{entry}, which does not exist")
        for path in found:
            if _shipped(path, CONTRACTS_DIR):
                files[BUNDLED_CONTRACTS + path.relative_to(CONTRACTS_DIR).as_posix()] = path.read_bytes()
    return files


def bundle_files(name: str) -> dict[str, bytes]:
    """Every file of the bundle by its path inside the archive, with what precompile does once at build time."""
    source = _catalog().function(name).source_dir
    own = {"main.py": (source / "main.py").read_bytes(), "requirements.txt": (source / "requirements.txt").read_bytes()}
    return precompile({**own, **library_files(name)})


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        content = files[path]
        # Lengths keep "a"+"bc" and "ab"+"c" apart.
        digest.update(f"{path}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def bundle_name(name: str, files: dict[str, bytes] | None = None) -> str:
    return f"{name}-{content_hash(files or bundle_files(name))}{SUFFIX}"


def archive(files: dict[str, bytes]) -> bytes:
    """The files as a deterministic .tar.gz (tarfile's own "w:gz" would stamp the time and a name)."""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(files[path]), ARCHIVE_TIME, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[path]))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(tar_bytes.getvalue())
    return packed.getvalue()


def write_bundle(name: str, out_dir: Path = DIST_DIR) -> Path:
    files = bundle_files(name)
    target = out_dir / bundle_name(name, files)
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_bytes(archive(files))
    return target


def bundled_functions() -> list[str]:
    return [fn.name for fn in _catalog().functions]


def package_all(out_dir: Path = DIST_DIR) -> dict[str, Path]:
    """Build every bundle and dist/bundles.json ({function: bundle name}), Terraform's `bundles` variable."""
    built = {name: write_bundle(name, out_dir) for name in bundled_functions()}
    manifest = {"bundle_dir": str(out_dir), "bundles": {name: path.name for name, path in built.items()}}
    (out_dir / "bundles.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return built


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DIST_DIR, help="folder for the bundles (default dist/)")
    args = parser.parse_args(argv)
    for stale in [*args.out.glob("*.zip"), *args.out.glob(f"*{SUFFIX}")] if args.out.is_dir() else []:
        stale.unlink()  # only the current bundles: Terraform uploads what bundles.json names
    built = package_all(args.out)
    width = max(len(name) for name in built)
    for name, path in built.items():
        print(f"{name:<{width}}  {path.stat().st_size / 1024:8.1f} KiB  {path.name}")
    print(f"{len(built)} bundles in {args.out}, manifest {args.out / 'bundles.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
