#!/usr/bin/env bash
# Start a real single-node OpenSearch 2.19.6 on 127.0.0.1:<port> (default 9201) for tests, from Maven
# Central jars (no Docker, no distribution tarball), and print its URL as the LAST line of stdout:
#
#   export REGISTRY_TEST_OPENSEARCH_URL=$(scripts/opensearch/start.sh | tail -1)
#   scripts/opensearch/start.sh [--clean] [port]
#
# Idempotent: if a node already answers on the port, it only prints the URL. Indices persist across
# stop.sh/start.sh of the same port (the data dir is $OPENSEARCH_HOME/run-<port>/data); --clean stops a
# running node on that port and wipes its run dir first.
#
# Environment: OPENSEARCH_HOME (jar cache + run dirs, default ~/.cache/standards-registry/opensearch-2.19.6),
# OPENSEARCH_HEAP (default 512m), OPENSEARCH_START_TIMEOUT (seconds, default 120),
# OPENSEARCH_EXTRA_SETTINGS (space-separated key=value node settings), JAVA_HOME (default: Java 17).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OPENSEARCH_VERSION=2.19.6
OPENSEARCH_HOME=${OPENSEARCH_HOME:-$HOME/.cache/standards-registry/opensearch-$OPENSEARCH_VERSION}
HEAP=${OPENSEARCH_HEAP:-512m}
TIMEOUT=${OPENSEARCH_START_TIMEOUT:-120}

clean=false
port=9201
for arg in "$@"; do
  case "$arg" in
    --clean) clean=true ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') echo "usage: $0 [--clean] [port]" >&2; exit 2 ;;
    *) port=$arg ;;
  esac
done

URL="http://127.0.0.1:$port"
RUN="$OPENSEARCH_HOME/run-$port"
LIB="$OPENSEARCH_HOME/lib"
PID_FILE="$RUN/opensearch.pid"
LOG_FILE="$RUN/opensearch.log"

log() { echo "opensearch: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  log "installing $* from Debian's packages…"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Does an OpenSearch node answer on $port?
answers() { curl -s -m 3 "$URL/" 2>/dev/null | grep -q '"distribution" *: *"opensearch"'; }
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid; pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa EmbeddedOpenSearch "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

command -v curl >/dev/null 2>&1 || apt_install curl

if $clean; then
  if answers || running_pid >/dev/null; then "$SCRIPT_DIR/stop.sh" "$port" >&2; fi
  log "wiping $RUN"
  rm -rf "$RUN"
elif answers; then
  log "a node already answers on $URL"
  echo "$URL"
  exit 0
fi

# --- Java 17 ---------------------------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]; then
  JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  JAVA=$(command -v java)
else
  apt_install openjdk-17-jdk-headless
  JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  JAVA="$JAVA_HOME/bin/java"
fi
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$JAVA")")")}

mkdir -p "$OPENSEARCH_HOME" "$RUN"

# --- jars (cached; re-resolved only when pom.xml changes) -------------------------------------------
stamp=$(sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1)
resolve_jars() {
  if [ -f "$LIB/.resolved" ] && [ "$(cat "$LIB/.resolved")" = "$stamp" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "resolving OpenSearch $OPENSEARCH_VERSION jars from Maven Central into $LIB (first time: ~15-60 s)…"
  local started=$SECONDS
  rm -rf "$LIB.tmp"
  if ! mvn -q -B -l "$OPENSEARCH_HOME/mvn.log" -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIB.tmp" -DincludeScope=runtime >/dev/null 2>&1; then
    log "mvn failed; its log ($OPENSEARCH_HOME/mvn.log):"
    tail -n 40 "$OPENSEARCH_HOME/mvn.log" >&2
    exit 1
  fi
  echo "$stamp" > "$LIB.tmp/.resolved"
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  log "resolved $(ls "$LIB"/*.jar | wc -l) jars in $((SECONDS - started)) s"
}
# The launcher runs as-is in Java source-file mode; compiling it once (cached by its hash) saves ~3 s
# per start. Without javac, fall back to source-file mode.
LAUNCH=("$SCRIPT_DIR/EmbeddedOpenSearch.java")
CP="$LIB/*"
compile_launcher() {
  local javac="$JAVA_HOME/bin/javac" src_hash classes
  [ -x "$javac" ] || return 0
  src_hash=$(cat "$SCRIPT_DIR/EmbeddedOpenSearch.java" "$LIB/.resolved" | sha256sum | cut -c1-16)
  classes="$OPENSEARCH_HOME/classes-$src_hash"
  if [ ! -f "$classes/EmbeddedOpenSearch.class" ]; then
    rm -rf "$OPENSEARCH_HOME"/classes-*
    mkdir -p "$classes.tmp"
    if ! "$javac" -nowarn -d "$classes.tmp" -cp "$LIB/*" "$SCRIPT_DIR/EmbeddedOpenSearch.java" >&2; then
      rm -rf "$classes.tmp"; return 0
    fi
    mv "$classes.tmp" "$classes"
  fi
  LAUNCH=(EmbeddedOpenSearch)
  CP="$classes:$LIB/*"
}
if command -v flock >/dev/null 2>&1; then
  exec 8>"$OPENSEARCH_HOME/.lib.lock"; flock 8; resolve_jars; compile_launcher; flock -u 8
else
  resolve_jars; compile_launcher
fi

# --- start ------------------------------------------------------------------------------------------
# One start.sh per port at a time.
if command -v flock >/dev/null 2>&1; then exec 9>"$RUN/.start.lock"; flock 9; fi

if pid=$(running_pid); then
  log "node process $pid for port $port is already running; waiting for it"
else
  if answers; then echo "$URL"; exit 0; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is taken by something that is not an OpenSearch node; choose another port"
    exit 1
  fi
  mkdir -p "$RUN/tmp"
  extra=()
  if [ -n "${OPENSEARCH_EXTRA_SETTINGS:-}" ]; then read -r -a extra <<< "$OPENSEARCH_EXTRA_SETTINGS"; fi
  {
    echo "=== $(date -Is) start.sh: $JAVA, heap $HEAP, port $port"
  } >> "$LOG_FILE"
  log "starting node on $URL (log: $LOG_FILE)"
  # setsid + nohup: the node outlives this script and its terminal; stop it with stop.sh.
  setsid nohup "$JAVA" \
    -Xms"$HEAP" -Xmx"$HEAP" \
    -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow \
    -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$RUN/tmp" -Djava.locale.providers=SPI,COMPAT \
    -Djna.nosys=true \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
    -Dopensearch.set.netty.runtime.available.processors=false \
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true \
    -cp "$CP" "${LAUNCH[@]}" "$RUN" "$port" "${extra[@]}" \
    >> "$LOG_FILE" 2>&1 < /dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" > "$PID_FILE"
fi

# --- wait for yellow --------------------------------------------------------------------------------
started=$SECONDS
while :; do
  health=$(curl -s -m 10 "$URL/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null || true)
  if echo "$health" | grep -Eq '"status" *: *"(green|yellow)"'; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    log "the node process $pid exited during start-up; last lines of $LOG_FILE:"
    tail -n 60 "$LOG_FILE" >&2
    rm -f "$PID_FILE"
    exit 1
  fi
  if [ $((SECONDS - started)) -ge "$TIMEOUT" ]; then
    log "no yellow cluster health on $URL after ${TIMEOUT} s; last lines of $LOG_FILE:"
    tail -n 60 "$LOG_FILE" >&2
    exit 1
  fi
  sleep 1
done
log "node up on $URL in $((SECONDS - started)) s (pid $pid)"
echo "$URL"
