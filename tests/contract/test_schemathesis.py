"""schemathesis against the running local stack, with CI's budget (scripts/contract-test takes more)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from devstack.catalog import CONTRACTS_DIR
from devstack.contract.fuzz import print_counts, run
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.e2e

BUDGET = int(os.environ.get("CONTRACT_TEST_MAX_EXAMPLES", "25"))


def test_every_operation_conforms_to_the_contract(local_stack: Any) -> None:
    status, counts = run(local_stack.gateway_url, max_examples=BUDGET, seed=20261127, mail_dir=local_stack.mail_dir)
    print_counts(counts)
    spec = read_yaml(CONTRACTS_DIR / "openapi.yaml")
    operations = {f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in item if m != "parameters"}
    assert operations <= set(counts), f"not exercised: {sorted(operations - set(counts))}"
    assert status == 0, "schemathesis found failures (its report is above)"
