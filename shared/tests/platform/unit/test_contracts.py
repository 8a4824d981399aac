"""Each contract reader opens only what CONTRACT_FILES declares: packaging ships exactly that.

A reader is called with CONTRACTS_DIR pointing at a copy of contracts/ that holds only its
declared files; a reader that opened anything else would fail here, not in a deployed bundle.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wellness.platform import contracts

pytestmark = pytest.mark.unit

REPO_CONTRACTS = Path(__file__).resolve().parents[4] / "contracts"


def every_event_schema() -> list[dict[str, Any]]:
    found = []
    for path in sorted((REPO_CONTRACTS / "events").glob("*.v*.json")):
        event_type, version = path.name.removesuffix(".json").rsplit(".v", 1)
        found.append(contracts.event_schema(event_type, int(version)))
    return found


CALLS: dict[str, Callable[[], Any]] = {
    "openapi": contracts.openapi,
    "envelope_schema": contracts.envelope_schema,
    "event_schema": every_event_schema,
}


def test_every_reader_is_declared() -> None:
    public = {
        name
        for name, value in vars(contracts).items()
        if callable(value) and getattr(value, "__module__", "") == contracts.__name__ and not name.startswith("_")
    }
    assert set(contracts.CONTRACT_FILES) == public - {"contracts_dir"} == set(CALLS)


@pytest.mark.parametrize("reader", sorted(contracts.CONTRACT_FILES))
def test_a_reader_needs_only_its_declared_files(reader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for entry in contracts.CONTRACT_FILES[reader]:
        source, target = REPO_CONTRACTS / entry, tmp_path / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    monkeypatch.setenv("CONTRACTS_DIR", str(tmp_path))
    for cached in (contracts.openapi, contracts.envelope_schema, contracts.event_schema):
        cached.cache_clear()
    try:
        assert CALLS[reader]()
    finally:
        for cached in (contracts.openapi, contracts.envelope_schema, contracts.event_schema):
            cached.cache_clear()
