"""The local gateway's reading of a rendered OpenAPI 2.0 document: routes, backends, security.

Only what Google API Gateway acts on is read here (paths, `x-google-backend`,
`security`, `securityDefinitions`); request validation is the functions' job,
as it is in the cloud.

    >>> table = RouteTable.from_spec({"paths": {"/v1/items/{id}": {"get": {
    ...     "security": [], "x-google-backend": {"address": "http://127.0.0.1:9001"}}}}})
    >>> route, params = table.match("/v1/items/abc")
    >>> route.operations["GET"].backend_url("/v1/items/abc", params, "x=1")
    'http://127.0.0.1:9001/?x=1&id=abc'
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from wellness.platform.operations import HTTP_METHODS, document_operations

APPEND_PATH = "APPEND_PATH_TO_ADDRESS"
CONSTANT_ADDRESS = "CONSTANT_ADDRESS"
DEFAULT_DEADLINE_SECONDS = 15.0
_PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_.\-]*)\}$")


class SpecError(ValueError):
    """The document asks for something the local gateway cannot do; raised at start-up, never per request."""


@dataclasses.dataclass(frozen=True)
class JwtProvider:
    """One `securityDefinitions` entry with `x-google-jwks_uri`."""

    name: str
    issuer: str
    jwks_uri: str
    audiences: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Backend:
    address: str
    path_translation: str
    deadline: float


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    template: str
    backend: Backend
    # OR of ANDs, as OpenAPI defines it: any alternative whose providers all pass admits the call.
    # An empty tuple, or an empty alternative, makes the operation public.
    security: tuple[tuple[JwtProvider, ...], ...]

    @property
    def public(self) -> bool:
        return not self.security or any(not alternative for alternative in self.security)

    def backend_url(self, path: str, params: dict[str, str], query: str) -> str:
        """Where API Gateway would send this request (path and query as the client sent them)."""
        address = self.backend.address
        if self.backend.path_translation == APPEND_PATH:
            url = address.rstrip("/") + path
            return f"{url}?{query}" if query else url
        # CONSTANT_ADDRESS: the address as written; the client's query, then the path
        # parameters, go after any query the address already has (Google's documented order).
        parts = urlsplit(address)
        base = address.split("?", 1)[0]
        if not parts.path:
            base += "/"
        queries = [q for q in (parts.query, query, urlencode(list(params.items()))) if q]
        return f"{base}?{'&'.join(queries)}" if queries else base


@dataclasses.dataclass(frozen=True)
class Route:
    template: str
    segments: tuple[str, ...]
    operations: dict[str, Operation]

    @property
    def allow(self) -> str:
        return ", ".join(m.upper() for m in HTTP_METHODS if m.upper() in self.operations)

    @property
    def rank(self) -> tuple[int, ...]:
        # Lower sorts first: a literal segment beats a parameter at the first place they differ.
        return tuple(1 if _PARAM.match(seg) else 0 for seg in self.segments)

    def bind(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for pattern, raw in zip(self.segments, segments, strict=True):
            value = unquote(raw)
            param = _PARAM.match(pattern)
            if param:
                if not value:
                    return None
                params[param.group(1)] = value
            elif value != pattern:
                return None
        return params


@dataclasses.dataclass(frozen=True)
class RouteTable:
    routes: tuple[Route, ...]

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> RouteTable:
        providers = _providers(spec)
        top_security = _security(spec.get("security", []), providers, "the document")
        top_backend = spec.get("x-google-backend")
        base_path = str(spec.get("basePath") or "").rstrip("/")
        routes = []
        for template, item in (spec.get("paths") or {}).items():
            full = base_path + template
            operations = {}
            for found in document_operations({"paths": {template: item}}):
                method, op = found.method, found.spec
                where = f"{method} {full}"
                raw_backend = op.get("x-google-backend", top_backend)
                if not raw_backend:
                    raise SpecError(f"{where}: no x-google-backend")
                security = _security(op["security"], providers, where) if "security" in op else top_security
                operations[method] = Operation(method, full, _backend(raw_backend, where), security)
            segments = tuple(full.split("/")[1:])
            for seg in segments:
                if "{" in seg and not _PARAM.match(seg):
                    raise SpecError(f"{full}: only whole-segment {{param}} templates are supported locally")
            routes.append(Route(full, segments, operations))
        return cls(tuple(sorted(routes, key=lambda r: r.rank)))

    def match(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The most literal route for this (raw, normalized) path, and its decoded parameters."""
        if not path.startswith("/"):
            return None
        segments = path.split("/")[1:]
        for route in self.routes:  # sorted by rank, so the first hit is the most literal one
            params = route.bind(segments)
            if params is not None:
                return route, params
        return None


def normalize_path(raw_path: str) -> str:
    """Merge repeated slashes and resolve dot segments, as ESPv2's Envoy does before routing."""
    if not raw_path.startswith("/"):
        raw_path = "/" + raw_path
    merged = re.sub(r"/{2,}", "/", raw_path)
    normalized = posixpath.normpath(merged)
    # normpath drops a trailing slash, which must keep its meaning (it is a different, usually unknown, path).
    if merged.endswith("/") and normalized != "/":
        normalized += "/"
    return "/" + normalized.lstrip("/")


def _providers(spec: dict[str, Any]) -> dict[str, JwtProvider | None]:
    providers: dict[str, JwtProvider | None] = {}
    for name, definition in (spec.get("securityDefinitions") or {}).items():
        if "x-google-jwks_uri" not in definition:
            providers[name] = None  # known but unsupported; an error only if an operation uses it
            continue
        issuer = definition.get("x-google-issuer")
        audiences = tuple(a.strip() for a in str(definition.get("x-google-audiences") or "").split(",") if a.strip())
        if not issuer or not audiences:
            # In the cloud a missing audience defaults to the service name, which has no local equivalent.
            raise SpecError(f"securityDefinitions.{name}: x-google-issuer and x-google-audiences are required")
        providers[name] = JwtProvider(name, str(issuer), str(definition["x-google-jwks_uri"]), audiences)
    return providers


def _security(
    raw: list[dict[str, Any]], providers: dict[str, JwtProvider | None], where: str
) -> tuple[tuple[JwtProvider, ...], ...]:
    alternatives = []
    for requirement in raw or []:
        chosen = []
        for name in requirement or {}:
            if name not in providers:
                raise SpecError(f"{where}: security names undefined scheme {name!r}")
            provider = providers[name]
            if provider is None:
                raise SpecError(f"{where}: security scheme {name!r} has no x-google-jwks_uri (unsupported locally)")
            chosen.append(provider)
        alternatives.append(tuple(chosen))
    return tuple(alternatives)


def _backend(raw: dict[str, Any], where: str) -> Backend:
    address = str(raw.get("address") or "")
    if urlsplit(address).scheme not in ("http", "https"):
        raise SpecError(f"{where}: x-google-backend.address must be an http(s) URL, got {address!r}")
    translation = str(raw.get("path_translation") or CONSTANT_ADDRESS)
    if translation not in (APPEND_PATH, CONSTANT_ADDRESS):
        raise SpecError(f"{where}: unknown path_translation {translation!r}")
    deadline = float(raw.get("deadline", DEFAULT_DEADLINE_SECONDS))
    if deadline <= 0:
        raise SpecError(f"{where}: deadline must be positive")
    return Backend(address, translation, deadline)
