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
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import schema

VERSION = "6.50.0"
PROVIDERS = ("google", "google-beta")
VENV = REPO_ROOT / ".venv-standin"
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
        target = mirror / "registry.terraform.io" / "hashicorp" / name / VERSION / "linux_amd64"
        target.mkdir(parents=True, exist_ok=True)
        launcher = target / f"terraform-provider-{name}_v{VERSION}"
        launcher.write_text(
            "#!/bin/sh\n"
            f"STANDIN_PROVIDER={name} HOME={home} PYTHONPATH={REPO_ROOT / 'scripts'} "
            f'exec {python} -m devstack.deploy.standin.provider "$@"\n'
        )
        launcher.chmod(0o755)
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
