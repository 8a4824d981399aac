"""Install the stand-in providers for one run: a temporary CLI configuration, nothing global.

`install(work_dir, tf_dir)` writes, under work_dir:
- `schema.json`: the typed schema (`schema.py`) of the types tf_dir's configuration uses;
- `mirror/registry.terraform.io/hashicorp/{google,google-beta}/6.50.0/linux_amd64/`: a
  launcher per provider, `terraform-provider-NAME_v6.50.0`, running `provider.py` in
  `.venv-standin` (built from requirements-standin.txt when that file changes);
- `terraformrc`: a CLI configuration whose only installation method for hashicorp/* is that
  filesystem mirror (developer.hashicorp.com/terraform/cli/config/config-file#provider-installation),
  so `terraform init` installs and locks them as it would the registry's, and never goes out;
- `world/`: the stand-in project's state outside Terraform (rules.World).
It returns the environment to run `terraform` with.

`Providers(work_dir, env)` (with `with`) starts each launcher once, as a long-lived server
(`provider.py --reattach`), and names them in `env`'s TF_REATTACH_PROVIDERS: every terraform
command after `init` connects to those two processes instead of starting its own (~8 per
command). `init` runs without it, so that it installs and locks the mirror's providers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import schema

VERSION = "6.50.0"
PROVIDERS = ("google", "google-beta")
VENV = REPO_ROOT / ".venv-standin"
REATTACH = "TF_REATTACH_PROVIDERS"
REQUIREMENTS = REPO_ROOT / "requirements-standin.txt"


def ensure_venv() -> Path:
    """`.venv-standin/bin/python`, (re)built when requirements-standin.txt changed."""
    stamp = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = VENV / "bin" / "python"
    stamp_file = VENV / ".stamp"
    if python.exists() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return python
    print("standin: installing requirements-standin.txt into .venv-standin", file=sys.stderr)
    subprocess.run([os.environ.get("PYTHON", "python3.11"), "-m", "venv", str(VENV)], check=True)
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
    )
    # pip warns about every package index folder this machine does not have: noise, not news
    noise = "WARNING: Location"
    sys.stderr.write("".join(line for line in installed.stderr.splitlines(True) if not line.startswith(noise)))
    installed.check_returncode()
    stamp_file.write_text(stamp)
    return python


def launcher(work_dir: Path, name: str) -> Path:
    """The executable `install` put in the mirror for provider `name`: what terraform init installs."""
    mirror = work_dir / "mirror" / "registry.terraform.io" / "hashicorp" / name / VERSION / "linux_amd64"
    return mirror / f"terraform-provider-{name}_v{VERSION}"


def install(work_dir: Path, tf_dir: Path) -> dict[str, str]:
    python = ensure_venv()
    work_dir.mkdir(parents=True, exist_ok=True)
    schema_file = work_dir / "schema.json"
    schema_file.write_text(json.dumps(schema.subset(schema.load(), schema.used_types(tf_dir))))
    world = work_dir / "world"
    world.mkdir(exist_ok=True)
    home = work_dir / "home"  # tf caches its TLS certificate under $HOME/.cache
    home.mkdir(exist_ok=True)
    mirror = work_dir / "mirror"
    for name in PROVIDERS:
        executable = launcher(work_dir, name)
        executable.parent.mkdir(parents=True, exist_ok=True)
        executable.write_text(
            "#!/bin/sh\n"
            f"STANDIN_PROVIDER={name} HOME={home} PYTHONPATH={REPO_ROOT / 'scripts'} "
            f'exec {python} -m devstack.deploy.standin.provider "$@"\n'
        )
        executable.chmod(0o755)
    rc = work_dir / "terraformrc"
    rc.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }}\n'
        "}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GOOGLE_"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(rc),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
        STANDIN_SCHEMA=str(schema_file),
        STANDIN_WORLD=str(world),
    )
    return env


class Providers:
    """The installed providers, each one process for as long as this is entered; `env` names them.

    Their CPU time (`cpu_seconds`) is read from /proc: they are not terraform's children, so a
    command's rusage no longer counts them.
    """

    def __init__(self, work_dir: Path, env: dict[str, str]) -> None:
        self.work_dir = work_dir
        self.env = env
        self.processes: list[subprocess.Popen[str]] = []
        self.sockets = Path(tempfile.mkdtemp(prefix="standin-"))  # short: a Unix socket path has 107 bytes

    def __enter__(self) -> Providers:
        reattach: dict[str, object] = {}
        try:
            for name in PROVIDERS:
                started = subprocess.Popen(
                    [str(launcher(self.work_dir, name)), "--reattach", str(self.sockets / name)],
                    env=self.env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                self.processes.append(started)
                assert started.stdout is not None
                line = started.stdout.readline()
                if not line:
                    raise RuntimeError(f"the stand-in provider {name} exited before it served (exit {started.wait()})")
                reattach.update(json.loads(line))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.env[REATTACH] = json.dumps(reattach)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.env.pop(REATTACH, None)
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self.processes = []
        shutil.rmtree(self.sockets, ignore_errors=True)

    def cpu_seconds(self) -> float:
        """User and system CPU time the provider processes have used so far (/proc/PID/stat)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime: fields 14 and 15 of stat
        return total
