"""The response headers the platform sends, declared once here and written into every response of the contract.

    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.contract.headers           # exit 1 when stale
    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.contract.headers --write   # rewrite openapi.yaml

Swagger 2.0 has no reusable headers (OpenAPI 3's `components/headers`), and YAML anchors are no
way out: API Gateway reads the document we send it as it is, and Jackson's YAML parser, which
the Swagger tooling in Java uses, reads an alias as a plain string (`YAMLParser`, "for now,
nothing to do: in future, maybe try to expose as ObjectIds?", FasterXML/jackson-dataformats-text).
So the definitions live here, once, and this tool writes them into each response's `headers:`
block; `python -m devstack.lint` fails when the contract is not what it would write. Which
response gets which header follows what `wellness.platform.http` and `idempotency` send:

- every answer: `X-Request-Id` and `X-Trace-Id` (`http._serve`);
- every answer of an operation that takes `Idempotency-Key`, and each shared response such an
  operation uses: `Idempotent-Replayed` (a replay is the stored answer, error or not);
- `Retry-After` and `ETag` where a response already names them (which answers carry them is the
  operation's business: the throttles, the stores' 503, the profile's version); their
  definitions are replaced by the ones here.

Other headers a response declares are kept as written. Headers that are HTTP's own
(`Content-Type`, `Cache-Control`, `WWW-Authenticate` on a 401, `Allow` on a 405,
`X-Content-Type-Options`) are not declared: `wellness_testing.contract_headers.HTTP_HEADERS`
lists them, and checks every answer of the functional tier against the contract.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from devstack.catalog import CONTRACTS_DIR, REPO_ROOT
from wellness.platform.idempotency import HEADER as IDEMPOTENCY_HEADER
from wellness.platform.idempotency import REPLAYED_HEADER
from wellness.platform.strict_yaml import load_yaml

CONTRACT = CONTRACTS_DIR / "openapi.yaml"
EVERY_ANSWER: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "type": "string",
        "description": "The request's id (the gateway's or the app's): it names the request in the logs.",
    },
    "X-Trace-Id": {
        "type": "string",
        "description": "The server's trace id (32 hex), for support: it names the whole action in Cloud Trace.",
    },
}
REPLAYED: dict[str, dict[str, Any]] = {
    REPLAYED_HEADER: {
        "type": "string",
        "enum": ["true"],
        "description": "Present when this is the stored answer of an earlier request with this Idempotency-Key.",
    },
}
WHERE_NAMED: dict[str, dict[str, Any]] = {
    "Retry-After": {"type": "integer", "description": "Seconds to wait before trying again."},
    "ETag": {"type": "string", "description": 'The resource\'s version, a strong entity tag (for example "3").'},
}


def _key(node: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _takes_idempotency_key(operation: MappingNode, doc: dict[str, Any]) -> bool:
    found = _key(operation, "parameters")
    if found is None:
        return False
    for param in yaml.safe_load(yaml.serialize(found[1])) or []:
        if "$ref" in param:
            param = doc["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        if param.get("in") == "header" and param.get("name") == IDEMPOTENCY_HEADER:
            return True
    return False


def _responses(root: MappingNode, doc: dict[str, Any]) -> list[tuple[MappingNode, bool]]:
    """Every response mapping that is not a $ref, with whether it must declare Idempotent-Replayed."""
    found: list[tuple[MappingNode, bool]] = []
    shared_replayable: set[str] = set()
    paths = _key(root, "paths")
    for _, item in paths[1].value if paths else []:
        for method, operation in item.value:
            if method.value == "parameters" or not isinstance(operation, MappingNode):
                continue
            replayable = _takes_idempotency_key(operation, doc)
            responses = _key(operation, "responses")
            for _, response in responses[1].value if responses else []:
                ref = _key(response, "$ref")
                if ref is None:
                    found.append((response, replayable))
                elif replayable:
                    shared_replayable.add(str(ref[1].value).rsplit("/", 1)[-1])
    shared = _key(root, "responses")
    for name, response in shared[1].value if shared else []:
        found.append((response, name.value in shared_replayable))
    return found


def _headers_for(response: MappingNode, replayable: bool) -> dict[str, Any]:
    declared: dict[str, Any] = {}
    existing = _key(response, "headers")
    if existing is not None:
        declared = yaml.safe_load(yaml.serialize(existing[1])) or {}
    out = dict(EVERY_ANSWER)
    if replayable:
        out.update(REPLAYED)
    for name, spec in declared.items():
        if name in WHERE_NAMED:
            out[name] = WHERE_NAMED[name]
        elif name not in out:
            out[name] = spec
    return out


def _block(headers: dict[str, Any], indent: int) -> list[str]:
    """`headers:` with one line per header (flow style: the contract stays readable)."""
    lines = [" " * indent + "headers:"]
    for name, spec in headers.items():
        flow = yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=1000, allow_unicode=True)
        lines.append(" " * (indent + 2) + f"{name}: {flow.strip()}")
    return lines


def _end_line(node: Node) -> int:
    """The 0-based line after the node's last character (a block collection ends where its last child does)."""
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end_line(last[1] if isinstance(last, tuple) else last)
    end = node.end_mark
    return int(end.line) + (1 if end.column > 0 else 0)


def rewritten(text: str) -> str:
    """The contract with every response's headers as declared here (the rest of the text untouched)."""
    doc = load_yaml(text, str(CONTRACT))
    root = yaml.compose(text)
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line, replacement), 0-based
    for response, replayable in _responses(root, doc):
        indent = response.value[0][0].start_mark.column
        block = _block(_headers_for(response, replayable), indent)
        existing = _key(response, "headers")
        if existing is not None:
            key, value = existing
            edits.append((key.start_mark.line, _end_line(value), block))
            continue
        schema = _key(response, "schema")
        if schema is not None:
            at = schema[0].start_mark.line
        else:
            at = _end_line(response.value[-1][1])
        edits.append((at, at, block))
    for first, end, block in sorted(edits, reverse=True):
        lines[first:end] = block
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.contract.headers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite contracts/openapi.yaml")
    args = parser.parse_args(argv)
    text = CONTRACT.read_text(encoding="utf-8")
    wanted = rewritten(text)
    where = CONTRACT.relative_to(REPO_ROOT) if CONTRACT.is_relative_to(REPO_ROOT) else CONTRACT
    if wanted == text:
        return 0
    if args.write:
        CONTRACT.write_text(wanted, encoding="utf-8")
        print(f"headers: rewrote the response headers of {where}")
        return 0
    print(f"headers: {where} does not declare the answer headers; run `python -m devstack.contract.headers --write`")
    return 1


if __name__ == "__main__":
    sys.exit(main())
