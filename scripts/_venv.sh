# Sourced by scripts/dev and scripts/test: make sure .venv exists and matches
# requirements-dev.txt (its hash is kept in .venv), building it on a fresh clone.
# Sets ROOT and VENV.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
_requirements="$ROOT/requirements-dev.txt"
_stamp="$VENV/.requirements-dev.sha256"
_python="${PYTHON:-python3.11}"

_hash_file() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

_want="$(_hash_file "$_requirements")"
_have="$(cat "$_stamp" 2>/dev/null || true)"
if [[ ! -x "$VENV/bin/python" || "$_want" != "$_have" ]]; then
  if [[ ! -x "$VENV/bin/python" ]]; then
    if ! command -v "$_python" >/dev/null 2>&1; then
      echo "$(basename "$0"): $_python not found; install Python 3.11 (or set PYTHON=/path/to/python3.11)" >&2
      exit 1
    fi
    echo "$(basename "$0"): creating .venv with $_python" >&2
    "$_python" -m venv "$VENV"
  fi
  echo "$(basename "$0"): installing requirements-dev.txt into .venv" >&2
  # (pip warns about every package index folder this machine does not have: noise, not news)
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$_requirements" \
    2> >(grep -v "^WARNING: Location" >&2)
  # Written last: an interrupted install is retried on the next run.
  echo "$_want" >"$_stamp"
fi
export PYTHONPATH="$ROOT/scripts:$ROOT/shared:$ROOT/clients/python${PYTHONPATH:+:$PYTHONPATH}"
