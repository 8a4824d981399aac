"""The smoke lane: a release's smoke account's events go to the candidate subscribers, and only its.

A release tries its new subscriber code before promotion: each subscription has a
candidate twin that pushes to the candidate revision and takes only messages carrying the
`smoke` attribute, while the live subscription takes every other message
(terraform/modules/subscriber_function, devstack.stack.pubsub_setup). This module decides
which events carry it, with one rule and one path:

- **Who is a smoke account**: an address in `SMOKE_EMAIL_DOMAIN`, a `.invalid` domain
  (RFC 6761: it never resolves, so no mail reaches it and nobody can verify an address in
  it by mail; only the holders of the secret `smoke-key`, the deployer and
  auth-verify-email, can: wellness.auth.verification). Auth decides, since it owns
  addresses: it signs the `smoke` claim into the account's access tokens, and runs the
  sign-up of such an address in the lane.
- **How a request is in the lane**: `@endpoint` reads the signed claim (`in_lane_of`);
  `@subscriber` handling a smoke event stays in the lane, so what it publishes in turn is
  smoke too. A client header could not do this: anyone could send it.
- **How an event carries it**: `Event.new` records the lane in the envelope (`smoke: true`)
  and the outbox turns it into the message attribute, whichever publisher sends it (the
  prompt publish or the relay).
- **How a subscriber keeps to its lane**: Pub/Sub's filters keep each lane's messages out of
  the other's subscription. The gcloud emulator stores filters but does not apply them (it
  delivers every message to both), so `@subscriber` also acks without applying a message
  that the filter of the subscription it came through would have kept out (`filtered_out`):
  the same rule on the same attributes, checked where it arrives, in the cloud too.

Why it is safe for everyone else: the lane decides only which revision applies an
account's own events, never whether they are applied (between releases the candidate tag
is the live revision). An ordinary user cannot put their events in the lane without an
address in the reserved domain, and an account there can verify its address only with a
token minted from `smoke-key`, so without it it can never post, comment, react or report:
nothing it does reaches another user. The release's smoke, which holds the key, deletes
its account and what it posted before it ends.

    >>> is_smoke_address("smoke-1@smoke.wellness.invalid"), is_smoke_address("ada@example.com")
    (True, False)
    >>> with lane(True):
    ...     in_lane()
    True
    >>> in_lane()
    False
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterator, Mapping

SMOKE_EMAIL_DOMAIN = "smoke.wellness.invalid"
CLAIM = "smoke"  # in the access token, signed by auth
ATTRIBUTE = "smoke"  # on the Pub/Sub message; the subscriptions filter on it
# The filters of contracts' subscriptions (Pub/Sub's filter syntax on attributes:
# https://cloud.google.com/pubsub/docs/subscription-message-filter). Terraform and the
# local stack state the same two strings; tests/deploy checks they agree.
CANDIDATE_FILTER = f'attributes.{ATTRIBUTE} = "true"'
LIVE_FILTER = f"NOT attributes:{ATTRIBUTE}"
CANDIDATE_SUFFIX = ".candidate"  # `<subscription>.candidate`; the live one is `<subscription>.live`

_LANE: contextvars.ContextVar[bool] = contextvars.ContextVar("smoke_lane", default=False)


def is_smoke_address(email: str) -> bool:
    """Whether an address is in the reserved smoke domain (case-insensitive, as domains are)."""
    return email.rpartition("@")[2].lower() == SMOKE_EMAIL_DOMAIN


def in_lane() -> bool:
    """Whether the work running now is the smoke's (its events will carry the attribute)."""
    return _LANE.get()


@contextlib.contextmanager
def lane(smoke: bool) -> Iterator[None]:
    """Run a block in the smoke lane (or explicitly out of it)."""
    reset = _LANE.set(smoke)
    try:
        yield
    finally:
        _LANE.reset(reset)


def in_lane_of(claims: Mapping[str, Any] | None) -> contextlib.AbstractContextManager[None]:
    """The lane of a caller: only a token auth signed with the claim puts a request in it.

    >>> with in_lane_of({"sub": "u1", "smoke": True}):
    ...     in_lane()
    True
    >>> with in_lane_of({"sub": "u1", "smoke": "yes"}):
    ...     in_lane()
    False
    """
    return lane(claims is not None and claims.get(CLAIM) is True)


def filtered_out(subscription: str, attributes: Mapping[str, str]) -> bool:
    """Whether the named subscription's filter keeps this message out (then it is acked, not applied).

    The two filters above, evaluated on the message's attributes as Pub/Sub evaluates them:
    the candidate lane takes `smoke = "true"` only; any other subscription is live (`<sub>.live`,
    or the unfiltered one it replaces while `create_before_destroy` runs) and takes only
    messages without the attribute. A push that names no subscription (a test, a tool) is
    taken. Decided
    before the message's data is read, so a message the filter keeps out is never refused
    (nor dead-lettered) by the other lane, however malformed.

    >>> filtered_out("projects/p/subscriptions/s.candidate", {})
    True
    >>> filtered_out("projects/p/subscriptions/s.live", {"smoke": "true"}), filtered_out("", {"smoke": "true"})
    (True, False)
    >>> filtered_out("projects/p/subscriptions/s.candidate", {"smoke": "true"})
    False
    >>> filtered_out("projects/p/subscriptions/s.live", {"smoke": "false"})  # neither lane's
    True
    >>> filtered_out("projects/p/subscriptions/s.candidate", {"smoke": "false"})
    True
    """
    if not subscription:
        return False
    if subscription.endswith(CANDIDATE_SUFFIX):
        return attributes.get(ATTRIBUTE) != "true"
    return ATTRIBUTE in attributes
