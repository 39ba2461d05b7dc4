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
echo
echo "标准库已就绪 Standards registry ready at http://$HOST:$PORT/"
echo "  API docs (Swagger UI): http://$HOST:$PORT/docs"
echo "  try: curl 'http://$HOST:$PORT/api/v1/standards?field=admin'"
echo
exec .venv/bin/gunicorn --workers "$WORKERS" --bind "$HOST:$PORT" --access-logfile - wsgi:app
