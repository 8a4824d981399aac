"""Each function may publish only to the topics its catalog entry names, and those are what its code publishes.

Terraform grants `roles/pubsub.publisher` per topic from the catalog's `publishes`, so a
function that wrote an event of another type would leave it to the relay (its prompt
publish refused), and a topic granted but never used is a right nobody needs. The code's
topics are derived statically: the service methods that main.py calls (`x.method(...)`),
looked up in the function's domain package, and the `Event.new("type", ...)` literals in
their bodies (closures included).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import load_catalog
from wellness.platform.contracts import contracts_dir
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "wellness"


def called_methods(main: Path) -> set[str]:
    tree = ast.parse(main.read_text())
    return {
        node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def event_types(node: ast.AST) -> set[str]:
    found = set()
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "new"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "Event"
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ):
            found.add(str(call.args[0].value))
    return found


def methods_of(domain: str) -> dict[str, set[str]]:
    """Every method defined in a class of the domain's package => the event types in its body."""
    methods: dict[str, set[str]] = {}
    for module in sorted((LIBRARY / domain).glob("*.py")):
        for cls in ast.walk(ast.parse(module.read_text())):
            if isinstance(cls, ast.ClassDef):
                for item in cls.body:
                    if isinstance(item, ast.FunctionDef):
                        methods.setdefault(item.name, set()).update(event_types(item))
    return methods


def published_by_code(name: str) -> set[str]:
    fn = load_catalog().function(name)
    domain_methods = methods_of(fn.domain)
    return set().union(*(domain_methods.get(m, set()) for m in called_methods(fn.source_dir / "main.py")))


PUBLISHERS = [fn for fn in load_catalog().functions if "pubsub" in fn.stores]


@pytest.mark.parametrize("fn", [f for f in PUBLISHERS if f.publishes != ("all",)], ids=lambda f: f.name)
def test_the_catalog_names_exactly_the_topics_the_code_publishes(fn: Any) -> None:
    assert set(fn.publishes) == published_by_code(fn.name), (
        f"{fn.name}: catalog publishes {sorted(fn.publishes)}, its code {sorted(published_by_code(fn.name))}"
    )


def test_every_function_that_writes_events_may_publish_them() -> None:
    """A function outside PUBLISHERS whose service methods write events would have them refused."""
    silent = {fn.name: published_by_code(fn.name) for fn in load_catalog().functions if "pubsub" not in fn.stores}
    assert {name: topics for name, topics in silent.items() if topics and not name.startswith("outbox")} == {}


def test_only_the_relay_publishes_everywhere_and_every_topic_exists() -> None:
    topics = set(read_yaml(contracts_dir() / "topics.yaml")["topics"])
    everywhere = [fn.name for fn in PUBLISHERS if fn.publishes == ("all",)]
    assert everywhere == ["outbox-relay"]
    for fn in PUBLISHERS:
        assert fn.publishes == ("all",) or set(fn.publishes) <= topics, fn.name
    assert "user.deleted" in dict((fn.name, fn.publishes) for fn in PUBLISHERS)["auth-delete-me"]
    assert all("user.deleted" not in fn.publishes for fn in PUBLISHERS if fn.name not in ("auth-delete-me",))
