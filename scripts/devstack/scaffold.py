"""Scaffold a new function: `scripts/new-function NAME --http "METHOD /path" | --subscriber TOPIC`.

Writes what the catalog says a function is, so that each fact is typed once:

- the catalog entry (functions/catalog.yaml; domain from the name's first word, stores from
  the domain's other functions, unless --domain / --stores say otherwise);
- functions/NAME/main.py, a real handler in the house shape (an endpoint answers the caller's
  id; a subscriber applies nothing yet, but records each event once in its store), and its
  test_main.py, which passes;
- HTTP: the operation in contracts/openapi.yaml, with its `x-google-backend` placeholder and
  its path parameters, and the regenerated client (clients/);
- the generated files: functions/NAME/requirements.txt, the domain's CI workflow and the
  capacity plan in terraform/README.md.

Then a person writes the service code and makes main.py call it (README, "Adding a function").
A subscription needs nothing more: the catalog's `topic` is its subscription.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
from pathlib import Path

import yaml

from devstack.catalog import CONTRACTS_DIR, FUNCTIONS_DIR, REPO_ROOT, STORES, Function, load_catalog

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/v1(/[A-Za-z0-9._~-]+|/\{[A-Za-z][A-Za-z0-9]*\})+)$")
UNIT_OF_WORK = {
    "postgres": ("wellness.platform.postgres.unit_of_work", "PostgresTransaction", "postgres_unit_of_work"),
    "firestore": ("wellness.platform.firestore.unit_of_work", "FirestoreTransaction", "firestore_unit_of_work"),
}


# The subscriber test's proof that the delivery was recorded once (the consumer is the function's name).
RECORDED_IN_POSTGRES = (
    '    rows = sql("SELECT count(*) FROM processed_events WHERE consumer = :c AND event_id::text = :e",'
    ' c="NAME", e=event.id)\n'
    "    assert rows == [(1,)]\n"
)


class ScaffoldError(ValueError):
    pass


def operation_id(name: str) -> str:
    """auth-verify-email -> authVerifyEmail (the contract's operationId for a function)."""
    first, *rest = name.split("-")
    return first + "".join(word.capitalize() for word in rest)


def default_stores(domain: str, kind: str, functions: tuple[Function, ...]) -> list[str]:
    """The stores the domain's functions use most (a subscriber needs one with a unit of work)."""
    counts = collections.Counter(s for fn in functions if fn.domain == domain for s in fn.stores if s != "pubsub")
    stores = [store for store, _ in counts.most_common(1)] or ["postgres"]
    return stores if kind == "http" or stores[0] in UNIT_OF_WORK else ["postgres"]


def catalog_entry(name: str, kind: str, domain: str, where: str, stores: list[str]) -> str:
    key = "route" if kind == "http" else "topic"
    return (
        f"  {name}:\n    kind: {kind}\n    domain: {domain}\n    {key}: {where}\n"
        f"    stores: [{', '.join(stores)}]\n    secrets: []\n"
    )


def path_params(path: str) -> list[str]:
    return re.findall(r"\{([A-Za-z0-9]+)\}", path)


def operation_stub(name: str, method: str, path: str, domain: str) -> str:
    """The operation, protected, answering 200 with the caller's id: a shape to replace with the real answer."""
    params = "".join(
        f"      - in: path\n        name: {p}\n        required: true\n        type: string\n        maxLength: 100\n"
        for p in path_params(path)
    )
    return (
        f"    {method.lower()}:\n"
        f"      operationId: {operation_id(name)}\n"
        f"      tags: [{domain}]\n"
        f"      summary: Scaffolded by scripts/new-function; say what it does.\n"
        f"      x-google-backend:\n"
        f'        address: "${{backend_{name.replace("-", "_")}}}"\n'
        f"        path_translation: APPEND_PATH_TO_ADDRESS\n"
        + (f"      parameters:\n{params}" if params else "")
        + "      responses:\n"
        "        '200':\n"
        "          description: The caller's id (the scaffold's answer; replace it).\n"
        "          schema:\n"
        "            type: object\n"
        "            additionalProperties: false\n"
        "            required: [userId]\n"
        "            properties:\n"
        "              userId:\n"
        "                type: string\n"
        "        '401':\n"
        "          $ref: '#/responses/Unauthorized'\n"
        "        '503':\n"
        "          $ref: '#/responses/Unavailable'\n"
    )


def insert_operation(document: str, name: str, method: str, path: str, domain: str) -> str:
    """contracts/openapi.yaml with the stub added: under its path if the path exists, else a new path last.

    Text, not a YAML round trip, so every comment and the file's layout stay as they are.
    """
    lines = document.splitlines(keepends=True)
    stub = operation_stub(name, method, path, domain)
    try:
        paths_at = lines.index("paths:\n")
    except ValueError:
        raise ScaffoldError("contracts/openapi.yaml has no top-level `paths:`") from None
    end = next((i for i in range(paths_at + 1, len(lines)) if lines[i][:1] not in (" ", "-", "\n", "#")), len(lines))
    header = f"  {path}:\n"
    if header in lines[paths_at:end]:
        at = lines.index(header, paths_at) + 1
        lines.insert(at, stub)
    else:
        lines.insert(end, header + stub)
    return "".join(lines)


def main_source(name: str, kind: str, where: str, stores: list[str]) -> str:
    needs = ", ".join(f'"{s}"' for s in stores)
    if kind == "http":
        return (
            f'"""{where}.\n\nScaffolded by scripts/new-function: make it call one service method.\n"""\n\n'
            "from wellness.platform.http import ApiRequest, ApiResponse, endpoint\n"
            "from wellness.platform.runtime import function_runtime\n\n"
            f"runtime = function_runtime({needs})\n\n\n"
            f'@endpoint("{operation_id(name)}", runtime)\n'
            "def handler(request: ApiRequest) -> ApiResponse:\n"
            '    return ApiResponse(200, {"userId": request.user_id})\n'
        )
    module, store, factory = UNIT_OF_WORK[stores[0]]
    return (
        f'"""Subscriber on `{where}`.\n\nScaffolded by scripts/new-function: make it call one service handler.\n'
        "Until then it applies nothing, but records each event once (in the store's transaction).\n"
        '"""\n\n'
        "from wellness.platform.events import Event\n"
        f"from {module} import {store}\n"
        "from wellness.platform.runtime import function_runtime\n"
        "from wellness.platform.subscriber import subscriber\n\n"
        f"runtime = function_runtime({needs})\n"
        f"unit_of_work = runtime.{factory}({store})\n\n\n"
        f'@subscriber("{where}", runtime, unit_of_work)\n'
        f"def handler(event: Event, store: {store}) -> None:\n"
        "    pass  # the service's on_<event>(store, event) goes here\n"
    )


def test_source(name: str, kind: str, where: str, stores: list[str]) -> str:
    if kind == "http":
        method, path = where.split(" ", 1)
        url = re.sub(r"\{[A-Za-z0-9]+\}", "x", path)
        call = f'client.{method.lower()}("{url}"'
        return (
            '"""Answers the signed-in caller; without one, 401 (the scaffold\'s answer: test the real one)."""\n\n'
            "import uuid\n\nimport pytest\n\n"
            "from wellness.platform.identity import userinfo_header\n\n"
            "pytestmark = pytest.mark.functional\n\n\n"
            "def test_answers_the_caller_and_refuses_anyone_else(load_function) -> None:\n"
            f'    client = load_function("{name}")\n'
            "    user = str(uuid.uuid4())\n"
            f'    response = {call}, headers=userinfo_header({{"sub": user}}))\n'
            "    assert response.status_code == 200, response.get_json()\n"
            '    assert response.get_json() == {"userId": user}\n'
            f"    assert {call}).status_code == 401\n"
        )
    factory = where.replace(".", "_")  # wellness_testing.factories has one per event type
    other = "user_created" if factory != "user_created" else "user_deleted"
    if stores[0] == "postgres":
        recorded = RECORDED_IN_POSTGRES.replace("NAME", name)
        fixture, imports = "sql", ""
    else:
        recorded = (
            f'    marker = firestore_db.collection(PROCESSED_COLLECTION).document(f"{name}:{{event.id}}")\n'
            "    assert marker.get().exists\n"
        )
        fixture, imports = "firestore_db", "from wellness.platform.firestore.unit_of_work import PROCESSED_COLLECTION\n"
    return (
        '"""Each event is acknowledged and recorded once, however often it is delivered."""\n\n'
        "import pytest\n\n"
        f"{imports}"
        "from wellness.platform.subscriber import push_request\n"
        f"from wellness_testing.factories import {', '.join(sorted((factory, other)))}\n\n"
        "pytestmark = pytest.mark.functional\n\n\n"
        f"def test_each_event_is_recorded_once_and_another_type_is_refused(load_function, {fixture}) -> None:\n"
        f'    client = load_function("{name}")\n'
        f"    event = {factory}()\n"
        '    assert [client.post("/", json=push_request(event)).status_code for _ in range(2)] == [204, 204]\n'
        f"{recorded}"
        f'    assert client.post("/", json=push_request({other}())).status_code == 422\n'
    )


def scaffold(name: str, kind: str, where: str, domain: str | None, stores: list[str] | None) -> list[Path]:
    """Write the function's files; return every path written or changed, in the order written."""
    catalog = load_catalog()
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r}: a name is lowercase words joined by hyphens, the domain first")
    if any(fn.name == name for fn in catalog.functions) or (FUNCTIONS_DIR / name).exists():
        raise ScaffoldError(f"{name} exists already")
    domain = domain or name.split("-", 1)[0]
    stores = stores if stores is not None else default_stores(domain, kind, catalog.functions)
    if set(stores) - set(STORES):
        raise ScaffoldError(f"unknown stores {sorted(set(stores) - set(STORES))}; choose from {STORES}")
    edits: dict[Path, str] = {}  # every file's new text, checked before any is written
    if kind == "http":
        match = ROUTE.match(where)
        if not match:
            raise ScaffoldError(f"{where!r}: a route is 'METHOD /v1/path' (path parameters as {{name}})")
        if any(fn.route == where for fn in catalog.functions):
            raise ScaffoldError(f"{where} is served already")
        contract = CONTRACTS_DIR / "openapi.yaml"
        edits[contract] = insert_operation(contract.read_text(), name, match.group(1), match.group(2), domain)
        spec = yaml.safe_load(edits[contract])["paths"][match.group(2)][match.group(1).lower()]
        assert spec["operationId"] == operation_id(name)  # the insertion landed where it was meant to
    else:
        if where not in catalog.topics:
            raise ScaffoldError(f"topic {where!r} is not in contracts/topics.yaml: add it (and its event schema)")
        if stores[0] not in UNIT_OF_WORK:
            raise ScaffoldError(f"a subscriber's first store holds its delivery record: one of {sorted(UNIT_OF_WORK)}")
    # Appended as text, so the catalog's comments stay; `functions:` is its last section.
    listing = FUNCTIONS_DIR / "catalog.yaml"
    text = listing.read_text()
    edits[listing] = text + ("" if text.endswith("\n") else "\n") + catalog_entry(name, kind, domain, where, stores)
    assert yaml.safe_load(edits[listing])["functions"][name]["kind"] == kind
    for path, new in edits.items():
        path.write_text(new)
    written = list(edits)
    folder = FUNCTIONS_DIR / name
    folder.mkdir()
    sources = [folder / "main.py", folder / "test_main.py"]
    for path, render in zip(sources, (main_source, test_source), strict=True):
        path.write_text(render(name, kind, where, stores))
    # The formatter decides layout (a long name or route wraps a line), as for every other file.
    subprocess.run([str(Path(sys.executable).parent / "ruff"), "format", "--quiet", *map(str, sources)], check=True)
    written += sources
    written += _regenerate(kind == "http")
    return written


def _regenerate(contract_changed: bool) -> list[Path]:
    """The generated files, by their own generators (which print what they wrote)."""
    steps = [
        ["devstack.deploy.requirements", "--write"],
        ["devstack.deploy.workflows", "--write"],
        ["devstack.load.capacity", "--write"],  # terraform/README.md's plan counts every function's connections
    ]
    if contract_changed:  # the platform's response headers on the new responses, then the client
        steps += [["devstack.contract.headers", "--write"], ["devstack.client"]]
    before = _changed_files()
    for step in steps:
        subprocess.run([sys.executable, "-m", *step], cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
    after = _changed_files()
    return sorted(path for path, content in after.items() if before.get(path) != content)


def _changed_files() -> dict[Path, bytes | None]:
    """Modified and untracked files (git's view) and their contents, to tell what a generator changed."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout
    paths = [REPO_ROOT / line[3:] for line in out.splitlines() if line[3:]]
    return {path: path.read_bytes() if path.is_file() else None for path in paths}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/new-function", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the function's name, its domain first (reporting-weekly)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--http", metavar="ROUTE", help='"METHOD /v1/path", as the catalog and the contract say it')
    what.add_argument("--subscriber", metavar="TOPIC", help="a topic of contracts/topics.yaml")
    parser.add_argument("--domain", help="default: the name's first word")
    parser.add_argument("--stores", help="comma-separated (postgres,firestore,pubsub); default: the domain's")
    args = parser.parse_args(argv)
    kind, where = ("http", args.http) if args.http else ("subscriber", args.subscriber)
    stores = [s for s in args.stores.split(",") if s] if args.stores is not None else None
    try:
        written = scaffold(args.name, kind, where, args.domain, stores)
    except ScaffoldError as error:
        print(f"new-function: {error}", file=sys.stderr)
        return 1
    print("new-function: wrote")
    print("\n".join(f"  {path.relative_to(REPO_ROOT)}" for path in dict.fromkeys(written)))
    if kind == "http" and path_params(where.split(" ", 1)[1]):
        print("  next: say how to make an id for it in tests/security/registry.py (the authorization harness)")
    print(f"  next: the service code, called from functions/{args.name}/main.py")
    print(f"  then: scripts/test functions/{args.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
