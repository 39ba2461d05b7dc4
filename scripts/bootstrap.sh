#!/usr/bin/env bash
# Create .venv (if needed) and install the project with pinned versions from constraints.txt.
# Usage: scripts/bootstrap.sh [extra]   e.g. scripts/bootstrap.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Python 3.11 or newer is required (found $("$PYTHON" --version 2>&1))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
target="."
[ $# -gt 0 ] && target=".[$1]"
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e "$target"
