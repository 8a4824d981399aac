"""Event contracts: every subscriber accepts its schema's examples and rejects what breaks the schema.

Picked up from the catalog: a new subscriber is covered as soon as it is declared.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from typing import Any

import pytest

from devstack.catalog import load_catalog
from wellness.platform import contracts

pytestmark = pytest.mark.functional

SUBSCRIBERS = [fn for fn in load_catalog().functions if fn.kind == "subscriber"]


def push(envelope: dict[str, Any]) -> dict[str, Any]:
    data = base64.b64encode(json.dumps(envelope).encode()).decode()
    return {"message": {"data": data, "messageId": uuid.uuid4().hex, "attributes": {}}, "subscription": "s"}


def envelope(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "version": 1,
        "occurredAt": "2026-11-27T08:00:00Z",
        "userId": str(data.get("userId", uuid.uuid4())),
        "data": data,
    }


def broken(schema: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    """The example without its first required field: valid JSON, not a valid event."""
    data = copy.deepcopy(example)
    data.pop(schema["required"][0])
    return data


@pytest.mark.parametrize("fn", SUBSCRIBERS, ids=lambda fn: fn.name)
def test_subscriber_accepts_the_examples_and_dead_letters_the_invalid(fn: Any, load_function: Any) -> None:
    client = load_function(fn.name)
    schema = contracts.event_schema(fn.topic, 1)
    for example in schema["examples"]:
        fresh = {**example, "userId": str(uuid.uuid4())} if "userId" in example else example
        response = client.post("/", json=push(envelope(fn.topic, fresh)))
        assert response.status_code == 204, f"{fn.name} refused the example {example}"
    invalid = client.post("/", json=push(envelope(fn.topic, broken(schema, schema["examples"][0]))))
    assert invalid.status_code == 422  # nacked: Pub/Sub moves it to the dead-letter topic after 5 attempts
