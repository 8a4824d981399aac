"""Hostile input through the gateway, on every operation of the contract: a clear 4xx, never a 5xx.

Issue 12's classes (tests/robustness/variants.py), each derived from the contract so a
new operation is covered when it is merged: strings no store can hold (NUL, lone
surrogates) in every body field and query parameter; control and format characters
in every user-visible text; 10,000 nested arrays as any body; ids Firestore reserves
or cannot hold in every path; tampered cursors; dates at both ends of the calendar.

Each hostile request is sent in the place of a valid one (tests/robustness/controls.py),
and after it as many valid requests as the function has pooled database connections:
each must succeed, so a bad request that leaves a connection broken fails here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import requests

from ..security.contract import ContractOperation, example_body, operations
from .controls import Context, prepare
from .variants import KINDS, Variant, variants

pytestmark = pytest.mark.e2e

CASES = [
    pytest.param(op, kind, id=f"{op.operation_id}-{kind.replace(' ', '-')}")
    for op in operations()
    for kind in KINDS
    if variants(op, kind, example_body(op))
]


def problem_with(response: requests.Response, variant: Variant) -> str | None:
    """What is wrong with the answer to a hostile request, or None."""
    status = response.status_code
    if status >= 500:
        return f"{variant.name}: {status} {response.text[:200]}"
    if variant.expect is not None and status not in variant.expect:
        return f"{variant.name}: {status}, expected one of {sorted(variant.expect)}: {response.text[:200]}"
    if status >= 400:
        error = response.json().get("error", {})
        if set(error) != {"code", "message", "details", "requestId"} or "Traceback" in response.text:
            return f"{variant.name}: not the JSON error body: {response.text[:200]}"
        if variant.field and variant.field not in {d.get("field") for d in error["details"]}:
            return f"{variant.name}: the error does not name {variant.field}: {error['details']}"
    return None


def test_every_operation_meets_every_class_it_can() -> None:
    covered = {case.values[0].operation_id for case in CASES}  # type: ignore[union-attr]
    assert covered == {op.operation_id for op in operations()}


@pytest.mark.parametrize(("op", "kind"), CASES)
def test_hostile_input_is_a_4xx_and_the_next_valid_request_succeeds(
    ctx: Context, follow_ups: int, op: ContractOperation, kind: str
) -> None:
    request = prepare(ctx, op)
    control = request.send(ctx.api)
    assert 200 <= control.status_code < 300, f"{op}: its valid request fails: {control.status_code} {control.text}"
    failures: list[str] = []
    with ctx.callers_of_their_own():
        request = prepare(ctx, op)  # sent once per variant: its caller's rate limits are its own
    for variant in variants(op, kind, request.body):
        sent = request
        if variant.throwaway_caller and request.token:
            sent = dataclasses.replace(request, token=ctx.new_user("dots").token)
        answer = variant.send(ctx.api, sent)
        problem = problem_with(answer, variant)
        if problem:
            failures.append(problem)
        if answer.status_code < 400:
            with ctx.callers_of_their_own():
                request = prepare(ctx, op)  # it did what a valid request does (a deletion, say): arrange again
        for n in range(follow_ups):
            valid = prepare(ctx, op).send(ctx.api)
            if not 200 <= valid.status_code < 300:
                failures.append(f"valid request {n + 1} after {variant.name}: {valid.status_code} {valid.text[:200]}")
    assert not failures, f"{op}, {kind}:\n" + "\n".join(failures)


def test_a_reporting_cursor_at_the_end_of_the_calendar_is_a_400(ctx: Context) -> None:
    """Issue 12's example, named: `9999-12-31` as the daily report's cursor (was an OverflowError)."""
    (op,) = [o for o in operations() if o.operation_id == "reportingDaily"]
    (variant,) = [v for v in variants(op, "cursors") if v.name == "cursor 9999-12-31 x1"]
    answer: Any = variant.send(ctx.api, prepare(ctx, op))
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_cursor")
