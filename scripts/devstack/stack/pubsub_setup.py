"""Create the Pub/Sub topology (contracts/topics.yaml, the catalog's subscribers) in the emulator.

    Usage::

        setup_topology("127.0.0.1:8085", "wellness-local", load_catalog(),
                       {"profile-on-user-created": "http://127.0.0.1:9001"})

Every topic; for every subscription its dead-letter topic `<sub>.dead-letter` and
the pull subscription `<sub>.dead-letter.hold` that keeps what lands there; and, for
each subscriber the catalog declares whose function runs, its two lanes as in the cloud
(terraform/modules/subscriber_function; both read the catalog and topics.yaml), with the same
dead-letter and retry policies: `<sub>.live`, filtered to every message but the smoke's,
pushing to the function, and `<sub>.candidate`, filtered to the smoke's messages only
(wellness.platform.smoke), pushing to the candidate's process when a candidate release
runs beside the live one (`candidate_urls`, devstack.stack.candidate) and else to the
live process, as the cloud's `candidate` tag names the live revision between releases.
The emulator stores the filters but does not apply them, so `@subscriber` also acks
another lane's message unapplied (wellness.platform.smoke; scripts/tests/stack/test_lanes.py).
Safe to run again: what exists is kept, a push subscription whose endpoint or policies
changed is brought in line, and one whose filter changed is created again (a filter is
fixed at creation).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import grpc
from google.api_core import exceptions
from google.protobuf import duration_pb2, field_mask_pb2
from google.pubsub_v1 import PublisherClient, SubscriberClient
from google.pubsub_v1.services.publisher.transports import PublisherGrpcTransport
from google.pubsub_v1.services.subscriber.transports import SubscriberGrpcTransport
from google.pubsub_v1.types import DeadLetterPolicy, PushConfig, RetryPolicy
from google.pubsub_v1.types import Subscription as PbSubscription

from devstack.catalog import Catalog, Subscription
from wellness.platform.smoke import CANDIDATE_FILTER, LIVE_FILTER

HOLD_RETENTION_SECONDS = 7 * 24 * 3600  # the longest Pub/Sub keeps a message
LANES = {"live": LIVE_FILTER, "candidate": CANDIDATE_FILTER}  # lane -> filter: <sub>.<lane>


def lane_subscription(sub: Subscription, lane: str) -> str:
    """The name of a subscription's lane, as Terraform names it: `<sub>.live` or `<sub>.candidate`."""
    return f"{sub.name}.{lane}"


_COMPARED_FIELDS = ("ack_deadline_seconds", "dead_letter_policy", "retry_policy")


@dataclasses.dataclass
class SetupReport:
    created: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)  # push subscriptions whose function is not running

    def summary(self) -> str:
        text = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        return text + (f", {len(self.skipped)} push subscription(s) skipped" if self.skipped else "")


def admin_clients(host: str) -> tuple[PublisherClient, SubscriberClient]:
    """Admin clients bound to one emulator, whatever PUBSUB_EMULATOR_HOST says."""
    publisher = PublisherClient(transport=PublisherGrpcTransport(channel=grpc.insecure_channel(host)))
    subscriber = SubscriberClient(transport=SubscriberGrpcTransport(channel=grpc.insecure_channel(host)))
    return publisher, subscriber


def desired_push_subscription(project: str, sub: Subscription, endpoint: str, lane: str = "live") -> PbSubscription:
    return PbSubscription(
        name=f"projects/{project}/subscriptions/{lane_subscription(sub, lane)}",
        filter=LANES[lane],
        topic=f"projects/{project}/topics/{sub.topic}",
        push_config=PushConfig(push_endpoint=endpoint),
        ack_deadline_seconds=sub.ack_deadline_seconds,
        dead_letter_policy=DeadLetterPolicy(
            dead_letter_topic=f"projects/{project}/topics/{sub.dead_letter_topic}",
            max_delivery_attempts=sub.max_delivery_attempts,
        ),
        retry_policy=RetryPolicy(
            minimum_backoff=duration_pb2.Duration(seconds=sub.minimum_backoff_seconds),
            maximum_backoff=duration_pb2.Duration(seconds=sub.maximum_backoff_seconds),
        ),
    )


def _ensure_topic(publisher: PublisherClient, project: str, topic: str, report: SetupReport) -> None:
    try:
        publisher.create_topic(name=f"projects/{project}/topics/{topic}")
        report.created.append(topic)
    except exceptions.AlreadyExists:
        report.unchanged.append(topic)


def _ensure_hold(subscriber: SubscriberClient, project: str, sub: Subscription, report: SetupReport) -> None:
    try:
        subscriber.create_subscription(
            request=PbSubscription(
                name=f"projects/{project}/subscriptions/{sub.dead_letter_hold}",
                topic=f"projects/{project}/topics/{sub.dead_letter_topic}",
                ack_deadline_seconds=60,
                message_retention_duration=duration_pb2.Duration(seconds=HOLD_RETENTION_SECONDS),
            )
        )
        report.created.append(sub.dead_letter_hold)
    except exceptions.AlreadyExists:
        report.unchanged.append(sub.dead_letter_hold)


def _ensure_push(subscriber: SubscriberClient, want: PbSubscription, short_name: str, report: SetupReport) -> None:
    try:
        subscriber.create_subscription(request=want)
        report.created.append(short_name)
        return
    except exceptions.AlreadyExists:
        pass
    have = subscriber.get_subscription(subscription=want.name)
    if have.topic != want.topic or have.filter != want.filter:
        # Neither the topic nor the filter of a subscription can change: start it over.
        subscriber.delete_subscription(subscription=want.name)
        subscriber.create_subscription(request=want)
        report.updated.append(short_name)
        return
    changed = False
    if have.push_config.push_endpoint != want.push_config.push_endpoint:
        subscriber.modify_push_config(subscription=want.name, push_config=want.push_config)
        changed = True
    stale = [field for field in _COMPARED_FIELDS if getattr(have, field) != getattr(want, field)]
    if stale:
        try:
            subscriber.update_subscription(subscription=want, update_mask=field_mask_pb2.FieldMask(paths=stale))
        except (exceptions.InvalidArgument, exceptions.MethodNotImplemented):
            # Emulator versions differ in what they can update; a fresh subscription is equivalent.
            subscriber.delete_subscription(subscription=want.name)
            subscriber.create_subscription(request=want)
        changed = True
    (report.updated if changed else report.unchanged).append(short_name)


def setup_topology(
    host: str,
    project: str,
    catalog: Catalog,
    function_urls: Mapping[str, str],
    candidate_urls: Mapping[str, str] | None = None,
) -> SetupReport:
    """Create (or bring in line) every topic and subscription.

    function_urls: running function -> base URL; candidate_urls: the candidate release's
    running functions (the smoke lane goes to them, else to the live ones).
    """
    publisher, subscriber = admin_clients(host)
    report = SetupReport()
    try:
        for topic in catalog.topics:
            _ensure_topic(publisher, project, topic, report)
        for sub in catalog.subscriptions:
            _ensure_topic(publisher, project, sub.dead_letter_topic, report)
            _ensure_hold(subscriber, project, sub, report)
        for sub in catalog.subscriptions:
            endpoint = function_urls.get(sub.function)
            if endpoint is None:
                report.skipped.append(sub.name)
                continue
            endpoints = {"live": endpoint, "candidate": (candidate_urls or {}).get(sub.function, endpoint)}
            for lane, url in endpoints.items():
                want = desired_push_subscription(project, sub, url, lane)
                _ensure_push(subscriber, want, lane_subscription(sub, lane), report)
    finally:
        publisher.transport.close()  # type: ignore[no-untyped-call]
        subscriber.transport.close()  # type: ignore[no-untyped-call]
    return report
