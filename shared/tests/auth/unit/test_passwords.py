"""The dummy hash that keeps an unknown account's login as slow as a wrong password."""

from __future__ import annotations

import argon2
import pytest

from wellness.auth.passwords import DUMMY_HASH, MEMORY_COST_KIB, PARALLELISM, TIME_COST, PasswordHasher

pytestmark = pytest.mark.unit


def test_the_precomputed_dummy_carries_the_default_parameters_so_it_costs_what_a_real_verify_costs() -> None:
    default = argon2.PasswordHasher(
        time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM, type=argon2.Type.ID
    )
    assert not default.check_needs_rehash(DUMMY_HASH)
    assert default.verify(DUMMY_HASH, "not-a-real-password")
    assert PasswordHasher()._dummy == DUMMY_HASH


def test_a_hasher_with_other_parameters_makes_its_own_dummy_with_them() -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)
    assert hasher._dummy != DUMMY_HASH
    assert not hasher.needs_rehash(hasher._dummy)
    assert hasher.verify(None, "anything") is False
