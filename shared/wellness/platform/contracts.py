"""Where the contracts are, loaded once per instance.

In the repository they are the top-level contracts/ folder; in a deployed bundle
packaging copies the ones the function reads (CONTRACT_FILES) into wellness/_contracts/.
CONTRACTS_DIR overrides both. Packaging parses openapi.yaml once and ships the document
as `openapi.json` (devstack.deploy.precompile): a cold start reads the same document
without a YAML parser (about 0.3 ms instead of 250 ms and PyYAML's import).

    >>> openapi()["swagger"]
    '2.0'
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent

# What each reader below opens under contracts_dir(): packaging ships a file or folder only in
# the bundles whose code calls its reader (scripts/devstack/deploy/package.py reads this literal).
CONTRACT_FILES = {
    "openapi": ("openapi.yaml",),
    "event_schema": ("events",),
    "envelope_schema": ("events/envelope.v1.json",),
}
# What packaging ships in place of openapi.yaml: the same document, parsed at build time.
OPENAPI_COMPILED = "openapi.json"


def contracts_dir() -> Path:
    override = os.environ.get("CONTRACTS_DIR")
    if override:
        return Path(override)
    bundled = _HERE.parent / "_contracts"
    if bundled.is_dir():
        return bundled
    return _HERE.parents[2] / "contracts"


@cache
def openapi() -> dict[str, Any]:
    """The OpenAPI document (the template: backend placeholders are not needed here)."""
    compiled = contracts_dir() / OPENAPI_COMPILED
    if compiled.is_file():
        parsed: dict[str, Any] = json.loads(compiled.read_bytes())
        return parsed
    from wellness.platform.strict_yaml import read_yaml  # the repository's contracts/ only: a bundle never loads PyYAML

    doc: dict[str, Any] = read_yaml(contracts_dir() / "openapi.yaml")
    return doc


@cache
def event_schema(event_type: str, version: int) -> dict[str, Any]:
    path = contracts_dir() / "events" / f"{event_type}.v{version}.json"
    if not path.is_file():
        raise KeyError(f"no schema for event {event_type} v{version} (looked for {path.name})")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def envelope_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((contracts_dir() / "events" / "envelope.v1.json").read_text(encoding="utf-8"))
    return schema
