"""Which Java an installed gcloud emulator needs, and which Java it would run on.

An emulator is a Java program in the gcloud SDK (`platform/<component>/…jar`). A JVM refuses
a class file newer than itself (UnsupportedClassVersionError), so the newest class file in a
component's jars names the oldest Java that runs it: class-file major version - 44 (52 = Java 8,
55 = 11, 61 = 17, 65 = 21; JVM specification §4.1). Classes under `META-INF/versions/N/` are
read only by Java N and later (multi-release jars) and do not count.

    >>> java_release('openjdk version "21.0.4" 2024-07-16')
    21
    >>> java_release('java version "1.8.0_402"')
    8
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

CLASS_MAGIC = b"\xca\xfe\xba\xbe"
CLASS_FILE_JAVA_OFFSET = 44  # major version 45 is Java 1.1; 52 is Java 8, each release adds one

# How each emulator's launcher picks its java (read from the SDK's own scripts):
#   platform/pubsub-emulator/bin/cloud-pubsub-emulator: $JAVA_HOME/bin/java when JAVA_HOME is set;
#   platform/cloud-firestore-emulator/cloud_firestore_emulator: ${JAVA:="java"}.
# Both fall back to the `java` on PATH.
LAUNCHER_JAVA_ENV = {"pubsub-emulator": "JAVA_HOME", "cloud-firestore-emulator": "JAVA"}


def java_release(version_output: str) -> int | None:
    """The feature release in `java -version`'s output: "1.8.0_x" is 8, "21.0.4" is 21 (JEP 223)."""
    legacy = re.search(r'version "1\.(\d+)', version_output)
    if legacy:
        return int(legacy.group(1))
    modern = re.search(r'version "([1-9]\d*)', version_output)
    return int(modern.group(1)) if modern else None


def java_version(java: str) -> int | None:
    """The release of the Java at `java` (a path or a name on PATH), or None when it says none."""
    found = shutil.which(java)
    if found is None:
        return None
    executable = Path(found).resolve()
    return _java_version(executable, executable.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _java_version(executable: Path, _mtime_ns: int) -> int | None:
    # Cached by the executable's identity: a JVM takes a moment to start, and the check runs often.
    try:
        done = subprocess.run(  # noqa: S603 (the java the emulator would run)
            [str(executable), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return java_release(done.stderr + done.stdout)


def launcher_java(component: str, env: dict[str, str] | None = None) -> str | None:
    """The java executable the component's launcher would start, as it chooses it."""
    env = dict(os.environ) if env is None else env
    chosen = env.get(LAUNCHER_JAVA_ENV.get(component, ""), "")
    if chosen and component == "pubsub-emulator":
        return str(Path(chosen) / "bin" / "java")
    if chosen:
        return chosen if "/" in chosen else shutil.which(chosen, path=env.get("PATH"))
    return shutil.which("java", path=env.get("PATH"))


def class_file_java(jar: Path) -> int:
    """The Java release the newest class file in `jar` needs (0 for a jar without classes)."""
    stat = jar.stat()
    return _class_file_java(jar.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _class_file_java(jar: Path, _mtime_ns: int, _size: int) -> int:
    # Cached by the jar's identity: the scan reads every class's header (~30,000 in an emulator).
    newest = 0
    with zipfile.ZipFile(jar) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".class") or info.filename.startswith("META-INF/"):
                continue
            with archive.open(info) as entry:
                header = entry.read(8)
            if len(header) == 8 and header[:4] == CLASS_MAGIC:
                newest = max(newest, struct.unpack(">H", header[6:8])[0])
    return max(newest - CLASS_FILE_JAVA_OFFSET, 0)


def required_java(component_dir: Path) -> tuple[int, Path | None]:
    """The Java release a component's jars need, and the jar that needs it (0, None without jars)."""
    need, needed_by = 0, None
    for jar in sorted(component_dir.rglob("*.jar")):
        release = class_file_java(jar)
        if release > need:
            need, needed_by = release, jar
    return need, needed_by
