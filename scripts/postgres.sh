#!/usr/bin/env bash
# Install (from Debian's packages, if missing) and start a local PostgreSQL server, then
# create the registry's test role and database. Prints the SQLAlchemy URL as its last line.
# Used by CI and by anyone running the full suite: `export REGISTRY_TEST_POSTGRES_URL=$(scripts/postgres.sh | tail -1)`.
set -euo pipefail

USER_NAME=${REGISTRY_PG_USER:-registry}
PASSWORD=${REGISTRY_PG_PASSWORD:-registry}
DATABASE=${REGISTRY_PG_DATABASE:-registry_test}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "installing PostgreSQL from Debian's packages…" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  as_root pg_createcluster "$version" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$version" main start >&2
fi

psql_admin() { as_root su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt $*"; }
for _ in $(seq 1 30); do psql_admin "-c 'select 1'" >/dev/null 2>&1 && break; sleep 1; done

if [ "$(psql_admin "-c \"select 1 from pg_roles where rolname = '$USER_NAME'\"")" != 1 ]; then
  psql_admin "-c \"create role $USER_NAME login password '$PASSWORD'\"" >&2
fi
if [ "$(psql_admin "-c \"select 1 from pg_database where datname = '$DATABASE'\"")" != 1 ]; then
  psql_admin "-c \"create database $DATABASE owner $USER_NAME\"" >&2
fi
# btree_gist backs the no-overlapping-periods constraint; create it as superuser once.
psql_admin "-d $DATABASE -c 'create extension if not exists btree_gist'" >&2

echo "postgresql+psycopg://$USER_NAME:$PASSWORD@127.0.0.1:$port/$DATABASE"
