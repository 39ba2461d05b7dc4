#!/usr/bin/env bash
# Stop the OpenSearch node that scripts/opensearch/start.sh started on <port> (default 9201) and wait
# for its process to exit. Its data stays in $OPENSEARCH_HOME/run-<port>/ (start.sh brings it back);
# --clean also wipes that run dir.
#
#   scripts/opensearch/stop.sh [--clean] [port]
set -euo pipefail

OPENSEARCH_VERSION=2.19.6
OPENSEARCH_HOME=${OPENSEARCH_HOME:-$HOME/.cache/standards-registry/opensearch-$OPENSEARCH_VERSION}
WAIT=${OPENSEARCH_STOP_TIMEOUT:-60}

clean=false
port=9201
for arg in "$@"; do
  case "$arg" in
    --clean) clean=true ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') echo "usage: $0 [--clean] [port]" >&2; exit 2 ;;
    *) port=$arg ;;
  esac
done

RUN="$OPENSEARCH_HOME/run-$port"
PID_FILE="$RUN/opensearch.pid"
log() { echo "opensearch: $*" >&2; }

pid=""
if [ -f "$PID_FILE" ]; then pid=$(cat "$PID_FILE" 2>/dev/null || true); fi

# Only signal the process if it is still our launcher (a pid can be reused after a crash).
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa EmbeddedOpenSearch "/proc/$pid/cmdline" 2>/dev/null; then
  log "stopping node on port $port (pid $pid)"
  kill -TERM "$pid"
  waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((WAIT * 10)) ]; then
      log "pid $pid still alive after ${WAIT} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  log "stopped"
else
  log "no node started by start.sh is running on port $port"
  if curl -s -m 3 "http://127.0.0.1:$port/" 2>/dev/null | grep -q '"distribution" *: *"opensearch"'; then
    log "warning: an OpenSearch node answers on port $port but it has no pid file here ($PID_FILE); left alone"
  fi
fi
rm -f "$PID_FILE"

if $clean; then
  log "wiping $RUN"
  rm -rf "$RUN"
fi
