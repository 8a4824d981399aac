"""The catalog loader: subscriptions come from the subscribers' `topic`, declared nowhere else."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from devstack.catalog import load_catalog

pytestmark = pytest.mark.unit

CATALOG = """
functions:
  thing-on-made: {kind: subscriber, domain: things, topic: thing.made, stores: [postgres], secrets: []}
  other-on-made: {kind: subscriber, domain: other, topic: thing.made, stores: [firestore], secrets: []}
  thing-list: {kind: http, domain: things, route: GET /v1/things, stores: [], secrets: [], cold_start_ms: 900}
"""
TOPICS = """
defaults: {ack_deadline_seconds: 20, max_delivery_attempts: 7, minimum_backoff_seconds: 2, maximum_backoff_seconds: 30}
topics:
  thing.made: {schema: events/thing.made.v1.json}
  thing.gone: {schema: events/thing.gone.v1.json}
"""


def _repo(tmp_path: Path, catalog: str = CATALOG, topics: str = TOPICS) -> tuple[Path, Path]:
    (tmp_path / "functions").mkdir()
    (tmp_path / "contracts").mkdir()
    (tmp_path / "functions" / "catalog.yaml").write_text(textwrap.dedent(catalog))
    (tmp_path / "contracts" / "topics.yaml").write_text(textwrap.dedent(topics))
    return tmp_path / "functions", tmp_path / "contracts"


def test_each_subscriber_gets_one_subscription_named_after_it_with_the_topic_defaults(tmp_path: Path) -> None:
    catalog = load_catalog(*_repo(tmp_path))
    got = {
        s.name: (s.topic, s.function, s.ack_deadline_seconds, s.max_delivery_attempts) for s in catalog.subscriptions
    }
    assert got == {
        "thing-on-made": ("thing.made", "thing-on-made", 20, 7),
        "other-on-made": ("thing.made", "other-on-made", 20, 7),
    }
    assert set(catalog.topics) == {"thing.made", "thing.gone"}  # a topic nobody takes yet is still a topic
    assert catalog.subscriptions[0].dead_letter_hold == "thing-on-made.dead-letter.hold"


def test_a_subscriber_on_a_topic_topics_yaml_does_not_declare_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="thing-on-made: topic 'thing.lost' is not in contracts/topics.yaml"):
        load_catalog(
            *_repo(
                tmp_path,
                CATALOG.replace("topic: thing.made, stores: [postgres]", "topic: thing.lost, stores: [postgres]"),
            )
        )


def test_subscriptions_listed_in_topics_yaml_are_refused_not_merged(tmp_path: Path) -> None:
    """A branch written before the change (or a habit) must fail loudly, not declare a subscription twice."""
    listed = TOPICS.replace(
        "thing.made: {schema: events/thing.made.v1.json}",
        "thing.made:\n    schema: events/thing.made.v1.json\n"
        "    subscriptions:\n      thing-on-made: {function: thing-on-made}",
    )
    with pytest.raises(ValueError, match=r"\['thing.made'\] list subscriptions"):
        load_catalog(*_repo(tmp_path, topics=listed))
