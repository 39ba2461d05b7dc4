#!/usr/bin/env bash
# Run the whole suite on SQLite and on a real PostgreSQL server (installed and started by
# scripts/postgres.sh), with the search contract also on a real OpenSearch node and real Elasticsearch 8
# and 9 nodes (started by scripts/opensearch/start.sh and scripts/elasticsearch/start.sh), then (under CI=true)
# the benchmark gate. Extra arguments go to pytest.
# With CI=true a missing service fails the run.
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

if [ -z "${REGISTRY_TEST_ELASTICSEARCH_URL:-}" ]; then
  if url=$(scripts/elasticsearch/start.sh | tail -n 1); then
    export REGISTRY_TEST_ELASTICSEARCH_URL=$url
  else
    echo "warning: could not start Elasticsearch; its tests will be skipped (and fail under CI=true)" >&2
  fi
fi

# Elasticsearch 9 (a JDK 21+ runs it: the machine's Temurin 25), on port 9203.
if [ -z "${REGISTRY_TEST_ELASTICSEARCH9_URL:-}" ]; then
  if url=$(ELASTICSEARCH_VERSION=9.2.0 scripts/elasticsearch/start.sh 9203 | tail -n 1); then
    export REGISTRY_TEST_ELASTICSEARCH9_URL=$url
  else
    echo "warning: could not start Elasticsearch 9; its tests will be skipped (and fail under CI=true)" >&2
  fi
fi

.venv/bin/python -m pytest "$@"

# The performance gate (CI, or BENCH_GATE=true): every benchmark at reduced size; a ratio more than 2×
# worse than bench/baseline-quick.json, zero errors missed under load, or a broken benchmark fails the run.
if [ "${BENCH_GATE:-${CI:-false}}" = true ]; then
  .venv/bin/python -m bench --quick --check bench/baseline-quick.json
fi
