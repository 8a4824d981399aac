"""Every header an answer carries is declared by its operation's response in the contract.

`undeclared(method, path, status, header_names)` names the headers an answer sent that the
contract's response for that operation and status does not declare (a `$ref` to a shared
response is followed). HTTP's own headers (`HTTP_HEADERS`: the content type, `Cache-Control`,
`WWW-Authenticate` on a 401, …) are left out. A
status the operation does not declare is not this check's business (schemathesis checks
statuses): it returns nothing for it.

The functional tier's `load_function` checks every answer of every function with it, so a
function that starts sending a header fails its own tests until the contract declares it.

    >>> undeclared("GET", "/v1/me/profile", 200, ["ETag", "X-Request-Id", "Content-Type", "X-Surprise"])
    ['X-Surprise']
    >>> undeclared("POST", "/v1/programs/mindful-7/enrollments", 201, ["Idempotent-Replayed", "Retry-After"])
    ['Retry-After']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wellness.platform.contracts import openapi
from wellness.platform.operations import document_operations, operation

# HTTP's own headers, never declared: the framing, caching and content-sniffing directives every
# answer carries, and those the status itself requires (WWW-Authenticate on 401, Allow on 405).
HTTP_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "cache-control",
        "x-content-type-options",
        "www-authenticate",
        "allow",
        "date",
        "server",
        "connection",
        "transfer-encoding",
    }
)


def declared_headers(method: str, path: str, status: int) -> set[str] | None:
    """The headers the contract declares for this answer (lower case); None: no such operation or status."""
    doc = openapi()
    for op in document_operations(doc):
        if op.method != method.upper() or operation(op.operation_id).match_path(path) is None:
            continue
        response: Any = (op.spec.get("responses") or {}).get(str(status))
        if response is None:
            return None
        if "$ref" in response:
            response = doc["responses"][response["$ref"].rsplit("/", 1)[-1]]
        return {name.lower() for name in response.get("headers") or {}}
    return None


def undeclared(method: str, path: str, status: int, header_names: Iterable[str]) -> list[str]:
    declared = declared_headers(method, path, status)
    if declared is None:
        return []
    return sorted(name for name in header_names if name.lower() not in declared | HTTP_HEADERS)


def checking_client(client_class: type[Any]) -> type[Any]:
    """A Flask test client class whose every answer must carry only headers the contract declares."""

    class ContractHeadersClient(client_class):  # type: ignore[misc]
        def open(self, *args: Any, **kwargs: Any) -> Any:
            response = super().open(*args, **kwargs)
            request = response.request
            extra = undeclared(request.method, request.path, response.status_code, response.headers.keys())
            assert not extra, (
                f"{request.method} {request.path} answered {response.status_code} with {extra}, which the contract's"
                " response does not declare: declare them (python -m devstack.contract.headers --write for the"
                " headers every answer carries)"
            )
            return response

    return ContractHeadersClient
