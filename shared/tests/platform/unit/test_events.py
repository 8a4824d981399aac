import json
import uuid

import pytest

from wellness.platform.events import Event, InvalidEventError

pytestmark = pytest.mark.unit

DATA = {"userId": str(uuid.uuid4()), "email": "ada@example.com", "displayName": "Ada", "timezone": "UTC"}


def test_new_event_round_trips_and_has_a_unique_id() -> None:
    first = Event.new("user.created", user_id=DATA["userId"], data=DATA)
    second = Event.new("user.created", user_id=DATA["userId"], data=DATA)
    assert first.id != second.id
    assert Event.from_json(first.to_json()) == first
    assert json.loads(first.to_json())["occurredAt"].endswith("Z")


def test_publisher_side_validation_rejects_a_bad_body() -> None:
    with pytest.raises(InvalidEventError) as caught:
        Event.new("user.created", user_id="u", data={**DATA, "displayName": ""})
    assert caught.value.details[0]["field"] == "event.data.displayName"


def test_unknown_type_is_invalid() -> None:
    with pytest.raises(InvalidEventError, match="no schema"):
        Event.new("user.exploded", user_id="u", data={})


@pytest.mark.parametrize("raw", [b"nope", b"[]", b'{"id": "x"}'])
def test_receiver_side_validation(raw: bytes) -> None:
    with pytest.raises(InvalidEventError):
        Event.from_json(raw)


def test_receiver_keeps_the_event_id_of_an_invalid_event_for_the_log() -> None:
    event = Event.new("user.created", user_id=DATA["userId"], data=DATA).to_dict()
    event["data"] = {"userId": "not-a-uuid"}
    with pytest.raises(InvalidEventError) as caught:
        Event.from_dict(event)
    assert caught.value.event_id == event["id"]


def test_every_event_schema_accepts_its_own_examples() -> None:
    from wellness.platform import contracts
    from wellness.platform.schemas import check

    names = sorted(p.name for p in (contracts.contracts_dir() / "events").glob("*.v*.json"))
    assert "envelope.v1.json" in names and len(names) >= 6
    for name in names:
        if name == "envelope.v1.json":
            continue
        event_type, version = name.rsplit(".v", 1)[0], int(name.rsplit(".v", 1)[1].split(".")[0])
        schema = contracts.event_schema(event_type, version)
        assert schema["examples"], name
        for example in schema["examples"]:
            assert check(schema, example) == [], name
