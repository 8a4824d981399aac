"""The per-domain CI workflows follow the catalog: one per domain, current, with the shared paths."""

import pytest
import yaml

from devstack.catalog import load_catalog
from devstack.deploy import workflows

pytestmark = pytest.mark.unit


def test_every_domain_has_a_current_workflow_and_no_workflow_is_orphaned() -> None:
    assert workflows.main([]) == 0, "run PYTHONPATH=scripts .venv/bin/python -m devstack.deploy.workflows --write"


@pytest.mark.parametrize("domain", load_catalog().domains)
def test_domain_workflow_filters_include_shared_and_contracts(domain: str) -> None:
    doc = yaml.safe_load(workflows.path_for(domain).read_text())
    paths = doc[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True
    assert {"shared/**", "contracts/**"} <= set(paths)
    for fn in load_catalog().functions:
        if fn.domain == domain:
            assert f"functions/{fn.name}/**" in paths
            assert f"functions/{fn.name}" in doc["jobs"]["test"]["with"]["tests"]
