"""What a function's main.py declares, read from its syntax tree, and where it disagrees with the catalog.

A main.py states three facts the catalog also states: the stores it opens
(`function_runtime("postgres", ...)` = the catalog's `stores`), what it serves (the
module-level `handler`, decorated `@endpoint("<operationId>", runtime)` for the catalog
`route`'s operation, `@subscriber("<topic>", runtime, ...)` for its `topic`, or `@job(runtime)`)
and with which runtime. They are read with `ast`, not by matching text, so a comment, a
string or a reformatted line cannot satisfy (or break) the check:

    >>> source = '''
    ... runtime = function_runtime("postgres", "pubsub")
    ... @subscriber("task.completed", runtime, reports.unit_of_work)
    ... def handler(event, store): ...
    ... '''
    >>> entry = parse(source)
    >>> entry.needs, entry.decorator
    (('postgres', 'pubsub'), ('subscriber', 'task.completed'))
"""

from __future__ import annotations

import ast
import dataclasses

from devstack.catalog import Function

RUNTIME_FACTORY = "function_runtime"
DECORATORS = {"http": "endpoint", "subscriber": "subscriber", "job": "job"}


@dataclasses.dataclass(frozen=True)
class Entrypoint:
    needs: tuple[str, ...] | None  # function_runtime's literal arguments; None: not called once, with literals
    runtime_name: str | None  # the module-level name bound to function_runtime(...)
    decorator: tuple[str, str | None] | None  # the handler's (decorator, its first literal argument)
    decorator_runtime: str | None  # the name passed as the decorator's runtime argument
    problems: tuple[str, ...] = ()  # what could not be read as the one shape a main.py has


def parse(source: str) -> Entrypoint:
    tree = ast.parse(source)
    problems: list[str] = []
    calls = [
        (node, target)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and called_name(node.value) == RUNTIME_FACTORY
    ]
    needs: tuple[str, ...] | None = None
    runtime_name = None
    if len(calls) != 1:
        problems.append(f"module-level `runtime = {RUNTIME_FACTORY}(...)` found {len(calls)} times, not once")
    else:
        node, target = calls[0]
        runtime_name = target.id
        call = node.value
        assert isinstance(call, ast.Call)
        literals = [_literal(arg) for arg in call.args]
        if any(value is None for value in literals):
            problems.append(f"{RUNTIME_FACTORY}(...) takes the stores as string literals")
        else:
            needs = tuple(value for value in literals if value is not None)
    handlers = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "handler"]
    decorator = decorator_runtime = None
    if len(handlers) != 1:
        problems.append(f"module-level `def handler` found {len(handlers)} times, not once")
    else:
        known = [d for d in handlers[0].decorator_list if called_name(d) in DECORATORS.values()]
        if len(known) != 1:
            problems.append(f"handler has {len(known)} of the decorators {sorted(DECORATORS.values())}, not one")
        else:
            call = known[0]
            assert isinstance(call, ast.Call)
            name = called_name(call)
            assert name is not None
            first = _literal(call.args[0]) if name != "job" and call.args else None
            decorator = (name, first)
            rest = call.args[0:1] if name == "job" else call.args[1:2]
            decorator_runtime = rest[0].id if rest and isinstance(rest[0], ast.Name) else None
    return Entrypoint(needs, runtime_name, decorator, decorator_runtime, tuple(problems))


def read(fn: Function) -> Entrypoint:
    return parse((fn.source_dir / "main.py").read_text())


def disagreements(fn: Function, entry: Entrypoint, operation_id: str | None = None) -> list[str]:
    """What main.py says that the catalog does not (operation_id: the contract's for the catalog route)."""
    found = [f"{fn.name}/main.py: {problem}" for problem in entry.problems]
    if entry.needs is not None:
        if len(set(entry.needs)) != len(entry.needs) or set(entry.needs) != set(fn.stores):
            found.append(
                f"{fn.name}/main.py: {RUNTIME_FACTORY}{entry.needs} but the catalog's stores are {list(fn.stores)}"
            )
    expected = (DECORATORS[fn.kind], {"http": operation_id, "subscriber": fn.topic, "job": None}[fn.kind])
    if entry.decorator is not None and entry.decorator != expected:
        want = f'@{expected[0]}("{expected[1]}", ...)' if expected[1] else f"@{expected[0]}(...)"
        found.append(f"{fn.name}/main.py: handler is @{entry.decorator[0]}({entry.decorator[1]!r}, ...), want {want}")
    if entry.runtime_name is not None and entry.decorator is not None and entry.decorator_runtime != entry.runtime_name:
        found.append(f"{fn.name}/main.py: the handler's decorator must take `{entry.runtime_name}`, the runtime")
    return found


def called_name(node: ast.AST) -> str | None:
    """The name a call expression calls (`f(...)` or `module.f(...)`), else None."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
