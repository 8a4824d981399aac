"""Every YAML file the repository owns declares each key once (wellness.platform.strict_yaml).

The readers (the library's contract, the catalog and topics, packaging, the gateway, the
console, the contract diff, the workflow checks) all parse strictly; this walks every tracked
YAML file, so a file no reader opens yet is held to the same rule.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from devstack.catalog import REPO_ROOT, load_catalog
from devstack.deploy.precompile import compiled_openapi
from wellness.platform import contracts
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit


def tracked_yaml_files() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "*.yaml", "*.yml"], capture_output=True, text=True, check=True
    )
    return [name for name in listed.stdout.split() if (REPO_ROOT / name).is_file()]


def test_the_contract_catalog_and_topics_are_among_them() -> None:
    assert {"contracts/openapi.yaml", "contracts/topics.yaml", "functions/catalog.yaml"} <= set(tracked_yaml_files())


@pytest.mark.parametrize("name", tracked_yaml_files())
def test_each_key_once(name: str) -> None:
    read_yaml(REPO_ROOT / name)


DUPLICATE_TOPIC_DEFAULT = "defaults:\n  ack_deadline_seconds: 30\n  ack_deadline_seconds: 60\ntopics: {}\n"


def test_the_catalog_reader_refuses_a_duplicate_in_topics(tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "functions", tmp_path / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "topics.yaml").write_text(DUPLICATE_TOPIC_DEFAULT)
    second = r"'ack_deadline_seconds' a second time \(first on line 2\)\n  in \"[^\"]*topics\.yaml\", line 3"
    with pytest.raises(yaml.YAMLError, match=second):
        load_catalog(tmp_path / "functions", tmp_path / "contracts")


def test_packaging_refuses_a_duplicate_in_the_contract() -> None:
    with pytest.raises(yaml.YAMLError, match="'409' a second time"):
        compiled_openapi(b"swagger: '2.0'\npaths:\n  /x:\n    get:\n      responses: {'409': {}, '409': {}}\n")


def test_the_library_refuses_a_duplicate_in_the_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "openapi.yaml").write_text("swagger: '2.0'\nswagger: '2.0'\n")
    monkeypatch.setenv("CONTRACTS_DIR", str(tmp_path))
    contracts.openapi.cache_clear()
    try:
        with pytest.raises(yaml.YAMLError, match='openapi.yaml", line 2'):
            contracts.openapi()
    finally:
        contracts.openapi.cache_clear()
