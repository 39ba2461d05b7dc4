#!/usr/bin/env bash
# Dependency audit: every pinned package in constraints.txt against the known-vulnerability
# databases (pip-audit: PyPI's advisory service, or OSV with AUDIT_SERVICE=osv). Fails on any
# known vulnerability, and (--strict) on any package it could not look up, so an audit that
# could not reach its database never passes silently. pip-audit lives in a venv of its own
# (.venv-audit) so that it audits the pins, not itself.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv-audit/bin/pip-audit ] || { "$PYTHON" -m venv .venv-audit && .venv-audit/bin/pip install -q pip-audit; }
exec .venv-audit/bin/pip-audit --requirement constraints.txt --no-deps --disable-pip --strict \
  --vulnerability-service "${AUDIT_SERVICE:-pypi}" "$@"
