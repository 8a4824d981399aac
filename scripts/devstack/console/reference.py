"""The API reference: contracts/openapi.yaml rendered by Swagger UI, live in the console or as one static page.

    scripts/api-reference --out dist/api-reference.html --base-url https://wellness-qa-xxxx.ew.gateway.dev

Swagger UI comes from the pinned PyPI package `swagger-ui-bundle-v2` (its files are
served from the installed package, or inlined into the static page), so nothing is
fetched from a CDN or any other network at run time. The document the reference
shows is the contract itself with only what a reader cannot use taken out or
translated:

- the `x-google-*` extensions (backend addresses are Terraform placeholders);
- the `bearer` security definition becomes an `Authorization` header (API Gateway's
  "oauth2 implicit" entry only names the JWT issuer; a reader pastes or signs in for
  a token instead);
- each operation is tagged with the domain of the function behind it (the catalog),
  so the page is grouped as the code is;
- `host`, `schemes` and `basePath` point at the gateway given.

Every `example` the contract carries stays where it is, so Swagger UI shows it.

    >>> spec = reference_spec(base_url="http://127.0.0.1:8080")
    >>> spec["host"], spec["schemes"], spec["securityDefinitions"]["bearer"]["in"]
    ('127.0.0.1:8080', ['http'], 'header')
    >>> sorted({tag for op in document_operations(spec) for tag in op.spec["tags"]})[:3]
    ['auth', 'community', 'profile']
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from devstack.catalog import CONTRACTS_DIR, FUNCTIONS_DIR, load_catalog
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import read_yaml

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
_PLACEHOLDER = re.compile(r"^\$\{(backend_[a-z0-9_]+)\}$")


def swagger_ui_dir() -> Path:
    """The installed Swagger UI's files (swagger-ui-bundle.js, swagger-ui.css, …)."""
    from swagger_ui_bundle import swagger_ui_path  # swagger-ui-bundle-v2, pinned in requirements-dev.txt

    return Path(str(swagger_ui_path))


def swagger_ui_version() -> str:
    """The bundled Swagger UI's version, from its folder name (vendor/swagger-ui-5.31.0)."""
    return swagger_ui_dir().name.removeprefix("swagger-ui-")


def _strip_google(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_google(v) for k, v in node.items() if not str(k).startswith("x-google-")}
    if isinstance(node, list):
        return [_strip_google(v) for v in node]
    return node


def reference_spec(
    *,
    base_url: str | None,
    contracts_dir: Path = CONTRACTS_DIR,
    functions_dir: Path = FUNCTIONS_DIR,
) -> dict[str, Any]:
    """The contract as the reference shows it (see the module docstring); base_url None: no host."""
    raw = read_yaml(contracts_dir / "openapi.yaml")
    catalog = load_catalog(functions_dir, contracts_dir)
    domain_of = {fn.backend_variable: fn.domain for fn in catalog.functions}
    for op in document_operations(raw):
        address = str((op.spec.get("x-google-backend") or {}).get("address", ""))
        found = _PLACEHOLDER.match(address)
        domain = domain_of.get(found.group(1)) if found else None
        op.spec.setdefault("tags", [domain or "other"])
    spec: dict[str, Any] = _strip_google(raw)
    if "securityDefinitions" in spec:
        spec["securityDefinitions"] = {
            name: {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Bearer <accessToken>` from POST /v1/auth/login or /v1/auth/signup.",
            }
            for name in spec["securityDefinitions"]
        }
    spec.pop("host", None)
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--base-url must be an http(s) URL, not {base_url!r}")
        spec["host"], spec["schemes"] = parts.netloc, [parts.scheme]
        if parts.path.strip("/"):
            spec["basePath"] = "/" + parts.path.strip("/")
    tags = sorted({tag for op in document_operations(spec) for tag in op.spec.get("tags", [])})
    spec["tags"] = [{"name": tag, "description": f"the {tag} domain's operations"} for tag in tags]
    return spec


def spec_json(spec: dict[str, Any]) -> str:
    """JSON safe to put inside a <script> element (no `</` can close it early)."""
    return json.dumps(spec, sort_keys=False).replace("</", "<\\/")


def _inline(text: str, element: str) -> str:
    """Text to inline into a <script> or <style> element: nothing in it can end the element early.

    `<\\/script` is the same string to JavaScript; in CSS `\\/` is an escaped `/`.
    """
    return re.sub(f"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def static_page(base_url: str | None, contracts_dir: Path = CONTRACTS_DIR, functions_dir: Path = FUNCTIONS_DIR) -> str:
    """One self-contained HTML page (Swagger UI, its CSS and the document inlined): nothing to fetch."""
    ui = swagger_ui_dir()
    spec = reference_spec(base_url=base_url, contracts_dir=contracts_dir, functions_dir=functions_dir)
    template = _environment().get_template("reference_static.html")
    # Markup: our own files and JSON, made safe to inline by _inline and spec_json (not user input).
    return template.render(
        title=spec.get("info", {}).get("title", "API reference"),
        base_url=base_url,
        version=swagger_ui_version(),
        css=Markup(_inline((ui / "swagger-ui.css").read_text(), "style")),  # noqa: S704
        bundle=Markup(_inline((ui / "swagger-ui-bundle.js").read_text(), "script")),  # noqa: S704
        setup=Markup(_inline((STATIC / "reference.js").read_text(), "script")),  # noqa: S704
        spec=Markup(spec_json(spec)),  # noqa: S704
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/api-reference", description="Write the API reference as one static HTML page."
    )
    parser.add_argument("--out", type=Path, default=Path("dist/api-reference.html"), help="the page to write")
    parser.add_argument("--base-url", help="the gateway the page names (its curl examples and host)")
    args = parser.parse_args(argv)
    try:
        page = static_page(args.base_url)
    except ValueError as exc:
        print(f"api-reference: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page)
    print(f"api-reference: wrote {args.out} ({len(page) // 1024} KiB, Swagger UI {swagger_ui_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
