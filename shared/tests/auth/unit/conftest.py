"""What the auth service tests share: a clock they move by hand and the fake unit of work on it."""

import pytest

from wellness_testing.clocks import ManualClock
from wellness_testing.fakes.auth import fake_auth_unit_of_work


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def uow(clock: ManualClock):
    return fake_auth_unit_of_work(clock)
