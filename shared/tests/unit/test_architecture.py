"""The pure domain imports no framework, no cloud SDK and no database library."""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "wellness"
FORBIDDEN = ("flask", "functions_framework", "google", "sqlalchemy", "pg8000", "opentelemetry", "requests", "grpc")


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*/model.py")), ids=lambda p: p.parent.name)
def test_domain_model_is_pure(module: Path) -> None:
    tree = ast.parse(module.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
    assert not {name for name in imported if name.split(".")[0] in FORBIDDEN}


def test_there_are_domain_models_to_check() -> None:
    assert len(list(PACKAGE.glob("*/model.py"))) >= 2
