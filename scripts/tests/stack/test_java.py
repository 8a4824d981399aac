"""emulators_available() checks the Java each emulator's launcher would run against what its jars need.

Unit: a fake gcloud SDK (the two components with one jar each, their classes stamped with a
class-file version) and a fake `java` that prints a chosen `-version`, on a PATH of their own.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from devstack.stack import java
from devstack.stack.services import emulators_available

pytestmark = pytest.mark.unit


def class_file(major: int) -> bytes:
    return b"\xca\xfe\xba\xbe" + struct.pack(">HH", 0, major) + b"\x00" * 16


def write_jar(path: Path, classes: dict[str, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        for name, major in classes.items():
            jar.writestr(name, class_file(major))
    return path


def executable(path: Path, script: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def fake_java(directory: Path, version: str) -> Path:
    # The real one prints its version on stderr.
    return executable(directory / "java", f"echo 'openjdk version \"{version}\" 2026-01-20' >&2\n")


@pytest.fixture
def sdk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A gcloud SDK whose emulators need Java 21 (Firestore) and 11 (Pub/Sub); PATH holds only it."""
    root = tmp_path / "google-cloud-sdk"
    executable(root / "bin" / "gcloud", "exit 0\n")
    write_jar(root / "platform/pubsub-emulator/lib/pubsub.jar", {"com/google/Main.class": 55, "a/B.class": 52})
    write_jar(
        root / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar",
        {
            "com/google/Firestore.class": 65,
            "a/Old.class": 52,
            # Read only by Java 25+ (a multi-release jar): not a requirement.
            "META-INF/versions/25/com/google/Firestore.class": 69,
        },
    )
    monkeypatch.setenv("PATH", f"{root / 'bin'}:{tmp_path / 'bin'}")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("JAVA", raising=False)
    return root


def test_the_newest_class_file_names_the_java_a_component_needs(sdk: Path) -> None:
    assert java.required_java(sdk / "platform/pubsub-emulator") == (11, sdk / "platform/pubsub-emulator/lib/pubsub.jar")
    need, jar = java.required_java(sdk / "platform/cloud-firestore-emulator")
    assert need == 21 and jar is not None and jar.name == "cloud-firestore-emulator.jar"
    assert java.required_java(sdk / "platform")[0] == 21
    assert java.required_java(sdk / "bin") == (0, None)


def test_java_releases_read_from_version_output() -> None:
    assert java.java_release('openjdk version "17.0.15" 2025-04-15') == 17
    assert java.java_release('openjdk version "25" 2025-09-16') == 25
    assert java.java_release('java version "1.8.0_402"') == 8
    assert java.java_release("no version here") is None


def test_an_emulator_needing_a_newer_java_says_which_to_install(sdk: Path, tmp_path: Path) -> None:
    fake_java(tmp_path / "bin", "17.0.15")
    ok, reason = emulators_available()
    assert not ok
    assert "cloud-firestore-emulator needs Java 21+" in reason and "would run on Java 17" in reason
    assert "apt-get install openjdk-21-jre-headless" in reason and "first on PATH" in reason


def test_the_java_the_emulators_need_passes(sdk: Path, tmp_path: Path) -> None:
    fake_java(tmp_path / "bin", "21.0.4")
    assert emulators_available() == (True, "ok")


def test_no_java_at_all(sdk: Path) -> None:
    ok, reason = emulators_available()
    assert not ok and reason.startswith("java is not on PATH")


def test_the_pubsub_launcher_runs_java_home_not_path(
    sdk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its launcher prefers $JAVA_HOME/bin/java: a Java 21 on PATH does not help an old JAVA_HOME."""
    fake_java(tmp_path / "bin", "21.0.4")
    write_jar(sdk / "platform/pubsub-emulator/lib/pubsub.jar", {"com/google/Main.class": 65})
    old_home = tmp_path / "jdk8"
    fake_java(old_home / "bin", "1.8.0_402")
    monkeypatch.setenv("JAVA_HOME", str(old_home))
    ok, reason = emulators_available()
    assert not ok and "pubsub-emulator needs Java 21+" in reason and "would run on Java 8" in reason
    assert "point JAVA_HOME at it" in reason

    fake_java(tmp_path / "jdk21" / "bin", "21.0.4")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk21"))
    assert emulators_available() == (True, "ok")


def test_a_java_that_names_no_release(sdk: Path, tmp_path: Path) -> None:
    executable(tmp_path / "bin" / "java", "echo 'something else' >&2\n")
    ok, reason = emulators_available()
    assert not ok and "names no Java release" in reason
