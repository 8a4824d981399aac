"""Fill the placeholders of contracts/openapi.yaml for one environment.

The cloud does the same with Terraform's templatefile(); both fail when a
placeholder has no value.

    >>> render_openapi("address: ${backend_auth_jwks}", {"backend_auth_jwks": "http://127.0.0.1:9001"})
    'address: http://127.0.0.1:9001'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

from devstack.catalog import CONTRACTS_DIR, Catalog

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render_openapi(template: str, values: Mapping[str, str]) -> str:
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(template)} - set(values))
    if missing:
        raise KeyError(f"no value for placeholder(s) {missing} in openapi.yaml")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def local_values(catalog: Catalog, urls: Mapping[str, str], issuer: str, audience: str) -> dict[str, str]:
    """Placeholder values for a local stack: urls maps function name -> base URL.

    A function that is not running gets an address nothing listens on, so the
    gateway answers 503 for its routes instead of failing to start.
    """
    values = {"jwt_issuer": issuer, "jwt_audience": audience}
    for fn in catalog.functions:
        values[fn.backend_variable] = urls.get(fn.name, "http://127.0.0.1:9")
    return values


def openapi_template(contracts_dir: Path = CONTRACTS_DIR) -> str:
    return (contracts_dir / "openapi.yaml").read_text()
