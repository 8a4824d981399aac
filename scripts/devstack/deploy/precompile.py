"""What packaging does once so that no cold start does it: the bundle's build-time artefacts.

`precompile(files)` takes a bundle's files (path inside the zip → bytes) and returns them
with the OpenAPI document parsed: `wellness/_contracts/openapi.yaml` becomes
`openapi.json` (`OPENAPI_COMPILED` in wellness.platform.contracts, which reads it first).
Parsing the YAML costs a cold start about 250 ms on one vCPU plus PyYAML's import; JSON
costs well under a millisecond. The JSON is written with sorted keys and no spaces, so the
same contract gives the same bytes and the bundle keeps its content hash.

Bytecode is not shipped: Google's Python functions buildpack compiles the function's source
itself (`python3 -m compileall -f -q .` in cmd/python/functions_framework/lib/lib.go, line 58,
GoogleCloudPlatform/buildpacks at 21f28de8), and `-f` would rewrite any .pyc a bundle carried.

    >>> out = precompile({"wellness/_contracts/openapi.yaml": b"swagger: '2.0'\\npaths: {}\\n"})
    >>> out
    {'wellness/_contracts/openapi.json': b'{"paths":{},"swagger":"2.0"}'}
"""

from __future__ import annotations

import json

from wellness.platform.strict_yaml import load_yaml

OPENAPI_SOURCE = "wellness/_contracts/openapi.yaml"
OPENAPI_COMPILED = "wellness/_contracts/openapi.json"  # contracts.OPENAPI_COMPILED, inside the bundle


def compiled_openapi(source: bytes) -> bytes:
    """The document as compact JSON; refuses YAML that JSON would change (dates, non-string keys) or a key twice."""
    doc = load_yaml(source, "contracts/openapi.yaml")
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_refuse)
    if json.loads(text) != doc:
        raise ValueError("openapi.yaml holds values JSON cannot keep as they are (a non-string key?): quote them")
    return text.encode()


def _refuse(value: object) -> object:
    raise ValueError(f"openapi.yaml holds a {type(value).__name__} ({value!r}): quote it, the contract is JSON data")


def precompile(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle's files with its build-time artefacts in place of their sources."""
    out = dict(files)
    source = out.pop(OPENAPI_SOURCE, None)
    if source is not None:
        out[OPENAPI_COMPILED] = compiled_openapi(source)
    return out
