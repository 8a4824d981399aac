"""main.py read as a syntax tree: each fact it shares with the catalog, and each way it can disagree."""

from __future__ import annotations

import dataclasses

import pytest

from devstack import entrypoint
from devstack.catalog import load_catalog

pytestmark = pytest.mark.unit

ENDPOINT = '''
"""GET /v1/things: @endpoint("thingsGet", runtime) in a docstring proves nothing."""
from wellness.platform.http import endpoint
from wellness.platform.runtime import function_runtime

runtime = function_runtime("postgres", "pubsub")


@endpoint("thingsList", runtime)
def handler(request):
    return None
'''
SIGNUP = load_catalog().function("auth-signup")  # http, stores [postgres, pubsub]
THING = dataclasses.replace(SIGNUP, name="things-list", route="GET /v1/things")


def disagree(source: str, fn=THING, operation_id: str | None = "thingsList") -> list[str]:
    return entrypoint.disagreements(fn, entrypoint.parse(source), operation_id)


def test_a_main_that_agrees_has_nothing_to_say() -> None:
    assert disagree(ENDPOINT) == []
    assert disagree(ENDPOINT.replace('"postgres", "pubsub"', '"pubsub", "postgres"')) == []  # order is no fact


@pytest.mark.parametrize(
    ("edit", "complaint"),
    [
        (('"postgres", "pubsub"', '"postgres"'), "function_runtime('postgres',) but the catalog's stores"),
        (('"postgres", "pubsub"', '"postgres", "pubsub", "pubsub"'), "but the catalog's stores"),
        (('"postgres", "pubsub"', "*STORES"), "takes the stores as string literals"),
        (('@endpoint("thingsList"', '@endpoint("thingsGet"'), 'want @endpoint("thingsList", ...)'),
        (('@endpoint("thingsList", runtime)', '@subscriber("thing.made", runtime, uow)'), "want @endpoint"),
        (('@endpoint("thingsList", runtime)', '@endpoint("thingsList", other)'), "must take `runtime`"),
        (('@endpoint("thingsList", runtime)\n', ""), "0 of the decorators"),
        (("def handler(", "def serve("), "`def handler` found 0 times"),
        (('runtime = function_runtime("postgres", "pubsub")', 'runtime = make("postgres", "pubsub")'), "0 times"),
    ],
)
def test_each_disagreement_is_named(edit: tuple[str, str], complaint: str) -> None:
    source = ENDPOINT.replace(*edit)
    assert source != ENDPOINT
    found = disagree(source)
    assert len(found) == 1 and complaint in found[0], found


def test_text_that_merely_mentions_the_operation_does_not_serve_it() -> None:
    """The docstring names thingsGet; only the decorator counts (a grep would have been satisfied)."""
    assert disagree(ENDPOINT, operation_id="thingsGet") == [
        "things-list/main.py: handler is @endpoint('thingsList', ...), want @endpoint(\"thingsGet\", ...)"
    ]


def test_subscribers_and_jobs_are_read_the_same_way() -> None:
    catalog = load_catalog()
    subscriber = catalog.function("reporting-on-task-completed")
    source = (subscriber.source_dir / "main.py").read_text()
    assert disagree(source, subscriber, None) == []
    moved = source.replace('@subscriber("task.completed"', '@subscriber("task.skipped"')
    assert 'want @subscriber("task.completed", ...)' in disagree(moved, subscriber, None)[0]
    relay = catalog.function("outbox-relay")
    assert disagree((relay.source_dir / "main.py").read_text(), relay, None) == []
