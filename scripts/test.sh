#!/usr/bin/env bash
# Run the whole suite on SQLite and on a real PostgreSQL server (installed and started by
# scripts/postgres.sh), with the search contract also on a real OpenSearch node (started by
# scripts/opensearch/start.sh). Extra arguments go to pytest. With CI=true a missing service fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh dev

if [ -z "${REGISTRY_TEST_POSTGRES_URL:-}" ]; then
  if url=$(scripts/postgres.sh | tail -n 1); then
    export REGISTRY_TEST_POSTGRES_URL=$url
  else
    echo "warning: could not start PostgreSQL; its half of the suite will be skipped (and fail under CI=true)" >&2
  fi
fi

if [ -z "${REGISTRY_TEST_OPENSEARCH_URL:-}" ]; then
  if url=$(scripts/opensearch/start.sh | tail -n 1); then
    export REGISTRY_TEST_OPENSEARCH_URL=$url
  else
    echo "warning: could not start OpenSearch; its tests will be skipped (and fail under CI=true)" >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
