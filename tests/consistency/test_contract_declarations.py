"""What the contract declares beyond its schemas: each operation's domain, and the headers every answer carries."""

import re

import pytest

from devstack.catalog import CONTRACTS_DIR, load_catalog
from devstack.contract import headers
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import load_yaml, read_yaml
from wellness_testing.contract_headers import HTTP_HEADERS

pytestmark = pytest.mark.unit

CONTRACT = CONTRACTS_DIR / "openapi.yaml"


def test_each_operation_is_tagged_with_the_domain_of_the_function_that_serves_it() -> None:
    # One tag per domain: generated clients group their calls by it (wellness_api_client.api.<domain>).
    domain_of = {fn.backend_variable: fn.domain for fn in load_catalog().functions}
    for op in document_operations(read_yaml(CONTRACT)):
        backend = re.fullmatch(r"\$\{(backend_[a-z0-9_]+)\}", op.spec["x-google-backend"]["address"])
        assert backend, op.operation_id
        assert op.spec.get("tags") == [domain_of[backend.group(1)]], op.operation_id


def test_every_response_declares_the_headers_every_answer_carries() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    assert headers.rewritten(text) == text, "run `python -m devstack.contract.headers --write`"


SMALL = """\
swagger: '2.0'
parameters:
  IdempotencyKey: {in: header, name: Idempotency-Key, type: string}
paths:
  /x:
    post:
      parameters:
      - $ref: '#/parameters/IdempotencyKey'
      responses:
        '201':
          description: Made.
          schema: {type: object}
        '429':
          description: Slow down.
          headers:
            Retry-After:
              type: integer
          schema: {type: object}
        '503':
          $ref: '#/responses/Unavailable'
    get:
      responses:
        '200':
          description: >-
            Folded
            text.
responses:
  Unavailable:
    description: Down.
  Unused:
    description: Nobody's.
"""


def test_the_rewrite_declares_each_header_where_the_platform_sends_it() -> None:
    once = headers.rewritten(SMALL)
    doc = load_yaml(once, "small.yaml")
    post, get = doc["paths"]["/x"]["post"]["responses"], doc["paths"]["/x"]["get"]["responses"]
    every, replayed = {"X-Request-Id", "X-Trace-Id"}, {"X-Request-Id", "X-Trace-Id", "Idempotent-Replayed"}
    assert set(post["201"]["headers"]) == replayed and post["201"]["schema"] == {"type": "object"}
    assert set(post["429"]["headers"]) == replayed | {"Retry-After"}
    assert post["429"]["headers"]["Retry-After"] == headers.WHERE_NAMED["Retry-After"]
    assert set(get["200"]["headers"]) == every and get["200"]["description"] == "Folded text."
    assert set(doc["responses"]["Unavailable"]["headers"]) == replayed  # an idempotent operation uses it
    assert set(doc["responses"]["Unused"]["headers"]) == every
    assert headers.rewritten(once) == once


def test_http_headers_are_not_among_those_the_contract_declares() -> None:
    declared = {name.lower() for name in {**headers.EVERY_ANSWER, **headers.REPLAYED, **headers.WHERE_NAMED}}
    assert not declared & HTTP_HEADERS
