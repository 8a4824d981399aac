"""The stand-in's plan and apply, generic over a schema body (see schema.py), without the protocol.

`unknown` is the codec's sentinel for a value known only after apply (tf's `Unknown`; cty's
refined unknowns arrive as msgpack extension 12 and count as unknown too).
"""

from __future__ import annotations

from typing import Any

from devstack.deploy.standin import values

Body = dict[str, Any]


def is_unknown(value: Any, unknown: object = None) -> bool:
    if unknown is not None and value is unknown:
        return True
    # msgpack ExtType 0: unknown; 12: a refined unknown ("not null", a prefix...), Terraform 1.6+.
    return type(value).__name__ in ("ExtType", "_Unknown") and getattr(value, "code", 0) in (0, 12)


def _items(spec: dict[str, Any], value: Any) -> list[Any]:
    if value is None or is_unknown(value):
        return []
    return [value] if spec["nesting"] == "single" else list(value)


def plan_body(body: Body, prior: Any, proposed: dict[str, Any], unknown: object) -> dict[str, Any]:
    """Terraform's proposed state, with computed attributes nobody set unknown (kept on update)."""
    planned = dict(proposed)
    for name, spec in body["attrs"].items():
        if spec["computed"] and planned.get(name) is None and (prior is None or prior.get(name) is None):
            planned[name] = unknown
    for name, spec in body["blocks"].items():
        prior_items = _items(spec, prior.get(name) if prior else None)
        items = [
            plan_body(spec["block"], prior_items[i] if i < len(prior_items) else None, item, unknown)
            for i, item in enumerate(_items(spec, planned.get(name)))
        ]
        if spec["nesting"] == "single":
            planned[name] = items[0] if items else planned.get(name)
        elif planned.get(name) is not None and not is_unknown(planned.get(name), unknown):
            planned[name] = items
    return planned


def fill_body(
    body: Body, state: dict[str, Any], context: values.Context, path: tuple[str, ...], unknown: object = None
) -> dict[str, Any]:
    """The planned state with every unknown replaced by its deterministic value."""
    filled = dict(state)
    for name, spec in body["attrs"].items():
        if is_unknown(filled.get(name), unknown):
            filled[name] = values.computed(context, (*path, name), spec["type"], filled)
    for name, spec in body["blocks"].items():
        items = [
            fill_body(spec["block"], item, context, (*path, name), unknown) for item in _items(spec, filled.get(name))
        ]
        if spec["nesting"] == "single":
            filled[name] = items[0] if items else None
        elif filled.get(name) is not None:
            filled[name] = items
    return filled


def _values_at(value: Any, path: list[str]) -> list[Any]:
    """Every value at a dotted path, through nested blocks (lists of objects) and objects."""
    if not path:
        return [value]
    if isinstance(value, list):
        return [found for item in value for found in _values_at(item, path)]
    if isinstance(value, dict):
        return _values_at(value.get(path[0]), path[1:])
    return [None]


def forces_replacement(paths: list[str], prior: dict[str, Any], planned: dict[str, Any], unknown: object) -> list[str]:
    """The ForceNew paths whose value the plan changes (an unknown new value counts, as in the SDK)."""
    changed = []
    for path in paths:
        before, after = _values_at(prior, path.split(".")), _values_at(planned, path.split("."))
        if any(is_unknown(v, unknown) for v in after) or before != after:
            changed.append(path)
    return changed
