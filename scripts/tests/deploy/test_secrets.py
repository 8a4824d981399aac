"""The signing keys and reset key are generated into Secret Manager once, through stdin, never printed."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence

import pytest

from devstack.deploy import secrets
from wellness.auth.keys import Keyset

pytestmark = pytest.mark.unit


class FakeSecretManager:
    """gcloud secrets ... against an in-memory Secret Manager with the secrets Terraform creates."""

    def __init__(self, **versions: list[str]) -> None:
        self.versions = {
            "jwt-signing-keys": [],
            "jwt-public-keys": [],
            "password-reset-key": [],
            "throttle-key": [],
            "smoke-key": [],
            "mailjet-api-key": [],
            **versions,
        }
        self.argvs: list[list[str]] = []

    def __call__(self, argv: Sequence[str], stdin: str | None) -> subprocess.CompletedProcess[str]:
        argv = list(argv)
        self.argvs.append(argv)
        verb, name = argv[2], argv[3]
        if verb == "list":
            return subprocess.CompletedProcess(argv, 0, "v\n" if self.versions[name] else "", "")
        if verb == "add":
            assert stdin and argv[-1] == "--data-file=-", "values go through stdin only"
            self.versions[name].append(stdin)
            return subprocess.CompletedProcess(argv, 0, "", "")
        secret = next(a.split("=", 1)[1] for a in argv if a.startswith("--secret="))
        return subprocess.CompletedProcess(argv, 0, self.versions[secret][-1], "")


def test_empty_generated_secrets_get_a_first_version_and_provided_ones_are_only_reported() -> None:
    manager = FakeSecretManager()
    said: list[str] = []
    filled = secrets.bootstrap("p", manager, said.append)
    assert filled == ["jwt-public-keys", "jwt-signing-keys", "password-reset-key", "throttle-key", "smoke-key"]
    keyset = Keyset.from_json(manager.versions["jwt-signing-keys"][0])
    assert len(keyset.keys) == 1
    assert json.loads(manager.versions["jwt-public-keys"][0]) == keyset.jwks()  # public halves only
    assert "privateKeyPem" not in manager.versions["jwt-public-keys"][0]
    assert len(manager.versions["password-reset-key"][0]) >= 64
    assert len(manager.versions["throttle-key"][0]) >= 64
    assert len(manager.versions["smoke-key"][0]) >= 64
    assert manager.versions["mailjet-api-key"] == []
    assert any("WARNING mailjet-api-key" in line for line in said)
    printed = "\n".join(said + [" ".join(a) for a in manager.argvs])
    assert manager.versions["password-reset-key"][0] not in printed and "PRIVATE KEY" not in printed
    assert manager.versions["throttle-key"][0] not in printed
    assert manager.versions["smoke-key"][0] not in printed


def test_a_secret_with_a_value_is_left_alone() -> None:
    manager = FakeSecretManager(
        **{
            "jwt-signing-keys": ["existing"],
            "jwt-public-keys": ["existing"],
            "password-reset-key": ["existing"],
            "throttle-key": ["existing"],
            "smoke-key": ["existing"],
        }
    )
    assert secrets.bootstrap("p", manager, lambda _: None) == []
    assert manager.versions["jwt-signing-keys"] == ["existing"]


def test_rotating_the_signing_keys_keeps_the_previous_key_for_verification() -> None:
    manager = FakeSecretManager()
    secrets.bootstrap("p", manager, lambda _: None)
    first = json.loads(manager.versions["jwt-signing-keys"][0])["keys"][0]
    secrets.rotate("p", "jwt-signing-keys", manager)
    rotated = json.loads(manager.versions["jwt-signing-keys"][-1])["keys"]
    assert len(rotated) == 2 and rotated[1] == first and rotated[0]["kid"] != first["kid"]
    published = [k["kid"] for k in json.loads(manager.versions["jwt-public-keys"][-1])["keys"]]
    assert published == [rotated[0]["kid"], first["kid"]]
    adds = [a[3] for a in manager.argvs if a[2] == "add"]
    assert adds[-2:] == ["jwt-public-keys", "jwt-signing-keys"]  # the new key is published before it signs


def test_an_environment_from_before_the_public_keys_secret_gets_it_derived() -> None:
    from wellness.auth.keys import new_keyset_json

    keyset = new_keyset_json()
    existing = {"jwt-signing-keys": [keyset], "password-reset-key": ["existing"], "throttle-key": ["existing"]}
    existing["smoke-key"] = ["existing"]
    manager = FakeSecretManager(**existing)
    assert secrets.bootstrap("p", manager, lambda _: None) == ["jwt-public-keys"]
    assert json.loads(manager.versions["jwt-public-keys"][0]) == Keyset.from_json(keyset).jwks()
