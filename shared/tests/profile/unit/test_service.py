"""ProfileService on fakes: sign-up creates once, patches keep the rest and publish, deletion erases."""

import pytest

from wellness.platform.errors import NotFoundError, PreconditionFailedError, ValidationError
from wellness_testing.factories import user_created, user_deleted
from wellness_testing.fakes.profile import fake_profile_service

pytestmark = pytest.mark.unit


def test_user_created_makes_the_profile_once() -> None:
    service, uow = fake_profile_service()
    event = user_created(displayName="  Ada ", timezone="Europe/Paris")
    uow.run(lambda store: service.on_user_created(store, event))
    service.update(event.user_id, {"bio": "Runner"})
    uow.run(lambda store: service.on_user_created(store, event))  # a later copy leaves the profile as it is
    mine, _ = service.mine(event.user_id)
    assert (mine["displayName"], mine["timezone"], mine["bio"]) == ("Ada", "Europe/Paris", "Runner")


def test_update_keeps_other_fields_and_publishes_profile_updated() -> None:
    service, uow = fake_profile_service()
    event = user_created(displayName="Ada", timezone="UTC")
    uow.run(lambda store: service.on_user_created(store, event))
    updated, _ = service.update(event.user_id, {"timezone": "Asia/Tokyo"})
    assert (updated["displayName"], updated["timezone"]) == ("Ada", "Asia/Tokyo")
    assert updated["updatedAt"] >= updated["createdAt"]
    (published,) = uow.events("profile.updated")
    assert published.data == {"userId": event.user_id, "displayName": "Ada", "timezone": "Asia/Tokyo"}


def test_a_bad_zone_changes_nothing_and_publishes_nothing() -> None:
    service, uow = fake_profile_service()
    event = user_created(timezone="UTC")
    uow.run(lambda store: service.on_user_created(store, event))
    with pytest.raises(ValidationError):
        service.update(event.user_id, {"timezone": "Mars/Base", "bio": "x"})
    assert service.mine(event.user_id)[0]["bio"] == "" and uow.events("profile.updated") == []


def test_public_view_hides_the_zone_and_missing_profiles_are_404() -> None:
    service, uow = fake_profile_service()
    event = user_created(displayName="Ada")
    uow.run(lambda store: service.on_user_created(store, event))
    assert service.public(event.user_id) == {"userId": event.user_id, "displayName": "Ada"}
    for call in (service.mine, service.public, lambda u: service.update(u, {"bio": "x"})):
        with pytest.raises(NotFoundError):
            call("nobody")


def test_user_deleted_erases_and_is_harmless_twice() -> None:
    service, uow = fake_profile_service()
    event = user_created()
    uow.run(lambda store: service.on_user_created(store, event))
    for _ in range(2):
        uow.run(lambda store: service.on_user_deleted(store, user_deleted(event.user_id)))
    with pytest.raises(NotFoundError):
        service.mine(event.user_id)


def test_a_stale_if_match_is_refused_and_changes_nothing() -> None:
    """The phone and the tablet both read version 1; the tablet saves first; the phone's save is a 412."""
    service, uow = fake_profile_service()
    event = user_created()
    uow.run(lambda store: service.on_user_created(store, event))
    _, read = service.mine(event.user_id)
    _, saved = service.update(event.user_id, {"bio": "from the tablet"}, if_match=read)
    assert saved != read
    with pytest.raises(PreconditionFailedError) as stale:
        service.update(event.user_id, {"bio": "from the phone"}, if_match=read)
    assert (stale.value.status, stale.value.code) == (412, "precondition_failed")
    assert service.mine(event.user_id) == (service.mine(event.user_id)[0], saved)
    assert service.mine(event.user_id)[0]["bio"] == "from the tablet"
    assert len(uow.events("profile.updated")) == 1
    assert service.update(event.user_id, {"bio": "merged"}, if_match=saved)[0]["bio"] == "merged"
    assert service.update(event.user_id, {"bio": "any"}, if_match="*")[0]["bio"] == "any"
