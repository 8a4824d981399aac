"""The generated client is current, and the check notices when it is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devstack.client import generate

pytestmark = pytest.mark.unit

needs_tools = pytest.mark.skipif(
    not generate.CONVERTER.exists(), reason="swagger2openapi is missing: scripts/lint-deploy installs .node-tools"
)


def test_the_rendering_leaves_out_api_gateways_extensions_and_nothing_else() -> None:
    contract = {"paths": {"/a": {"get": {"x-google-backend": {"address": "x"}, "x-text": "line", "operationId": "a"}}}}
    assert generate.without_gateway_extensions(contract) == {
        "paths": {"/a": {"get": {"x-text": "line", "operationId": "a"}}}
    }


@needs_tools
def test_the_committed_client_matches_a_regeneration_and_a_stale_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert generate.check() == []
    stale = tmp_path / "clients"
    shutil.copytree(generate.CLIENTS, stale)
    (stale / "python" / generate.PACKAGE / "api" / "auth" / "auth_signup.py").write_text("# edited by hand\n")
    (stale / "python" / generate.PACKAGE / "models" / "session.py").unlink()
    monkeypatch.setattr(generate, "CLIENTS", stale)
    monkeypatch.setattr(generate, "RENDERING", stale / "openapi3.json")
    assert generate.check() == [
        f"python/{generate.PACKAGE}/api/auth/auth_signup.py",
        f"python/{generate.PACKAGE}/models/session.py",
    ]
