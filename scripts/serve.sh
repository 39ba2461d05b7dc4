#!/usr/bin/env bash
# Install, create and seed the registry (SQLite file under instance/, embedded search), then
# serve it with gunicorn. Set REGISTRY_DATABASE_URL to use PostgreSQL instead; HOST/PORT/WORKERS to move it.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-2}

scripts/bootstrap.sh
.venv/bin/flask --app wsgi registry init
.venv/bin/flask --app wsgi registry seed

# Every /api/v1 call needs a token: make an administrator's on first start, keep it private.
token_file=instance/admin.token
if [ ! -s "$token_file" ] || ! .venv/bin/flask --app wsgi registry token check < "$token_file" >/dev/null 2>&1; then
  mkdir -p instance
  (umask 077; .venv/bin/flask --app wsgi registry token create --name 管理员 --role admin | tail -n 1 > "$token_file")
fi
echo
echo "标准库已就绪 Standards registry ready at http://$HOST:$PORT/"
echo "  API docs (Swagger UI): http://$HOST:$PORT/docs   metrics (Prometheus): http://$HOST:$PORT/metrics"
echo "  administrator token (kept in $token_file): $(cat "$token_file")"
echo "  try: curl -H \"Authorization: Bearer \$(cat $token_file)\" 'http://$HOST:$PORT/api/v1/standards?field=admin'"
echo
export HOST PORT WORKERS
exec .venv/bin/gunicorn -c python:registry.gunicorn_conf wsgi:app  # the app logs each request as JSON
