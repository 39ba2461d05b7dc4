# shellcheck shell=bash
# Shared by scripts/opensearch/ and scripts/elasticsearch/ (sourced, not run): start and stop one
# single-node search server built from Maven Central jars (listed in $NODE_DIR/pom.xml) and a small Java
# launcher, with Java 17. The caller sets, before sourcing:
#
#   NODE_KIND          opensearch | elasticsearch: the log prefix and the pid/log file names
#   NODE_TITLE         e.g. "OpenSearch 2.19.6" (messages only)
#   NODE_HOME          jar cache (lib/), compiled launcher (classes-<hash>/) and run dirs (run-<port>/)
#   NODE_DIR           the directory of pom.xml and the launcher source
#   NODE_LAUNCHER      the launcher's source file in NODE_DIR, e.g. EmbeddedOpenSearch.java
#   NODE_SOURCES       (array, optional) every source file in NODE_DIR to compile; default: the launcher
#   NODE_MAIN          its main class (the launcher's file name without .java when it has no package)
#   NODE_NEEDS_JAVAC   true when the launcher cannot run in Java's source-file mode
#   NODE_MAVEN_ARGS    (array, optional) extra arguments to mvn, e.g. -Dversion=… (part of the jars' stamp)
#   NODE_JVM_OPTS      (array) the flavour's own -D options
#   NODE_LOCALE_PROVIDERS  java.locale.providers (default SPI,COMPAT; Java 23+ has no COMPAT)
#   NODE_HEAP, NODE_TIMEOUT, NODE_STOP_TIMEOUT, NODE_EXTRA_SETTINGS
#
# and defines node_answers (true when a node of its kind answers on $URL). Then: node_args, and
# node_start or node_stop.

log() { echo "$NODE_KIND: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  log "installing $* from Debian's packages…"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# node_args DEFAULT_PORT "$@": sets clean, port, URL, RUN, LIB, PID_FILE, LOG_FILE. --help prints the
# caller's header comment (lines 2..NODE_HELP_LINES).
node_args() {
  clean=false
  port=$1
  shift
  for arg in "$@"; do
    case "$arg" in
      --clean) clean=true ;;
      -h|--help) sed -n "2,${NODE_HELP_LINES:-16}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *[!0-9]*|'') echo "usage: $0 [--clean] [port]" >&2; exit 2 ;;
      *) port=$arg ;;
    esac
  done
  URL="http://127.0.0.1:$port"
  RUN="$NODE_HOME/run-$port"
  LIB="$NODE_HOME/lib"
  PID_FILE="$RUN/$NODE_KIND.pid"
  LOG_FILE="$RUN/$NODE_KIND.log"
}

# The pid of this port's launcher, if it runs (a pid can be reused after a crash: check its command line).
node_running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid; pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa "${NODE_MAIN##*.}" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

# --- Java 17 ---------------------------------------------------------------------------------------
node_java() {
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
  if [ "$NODE_NEEDS_JAVAC" = true ] && [ ! -x "$JAVA_HOME/bin/javac" ]; then
    # a JRE without javac: use Debian's JDK 17 instead
    [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/javac ] || apt_install openjdk-17-jdk-headless
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
    JAVA="$JAVA_HOME/bin/java"
  fi
}

# --- jars (cached; re-resolved only when pom.xml changes) -------------------------------------------
node_resolve_jars() {
  local stamp started
  stamp=$( (cat "$NODE_DIR/pom.xml"; echo ${NODE_MAVEN_ARGS[@]+"${NODE_MAVEN_ARGS[@]}"}) | sha256sum | cut -d' ' -f1)
  if [ -f "$LIB/.resolved" ] && [ "$(cat "$LIB/.resolved")" = "$stamp" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "resolving $NODE_TITLE jars from Maven Central into $LIB (first time: ~15-60 s)…"
  started=$SECONDS
  rm -rf "$LIB.tmp"
  if ! mvn -q -B -l "$NODE_HOME/mvn.log" -f "$NODE_DIR/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIB.tmp" -DincludeScope=runtime ${NODE_MAVEN_ARGS[@]+"${NODE_MAVEN_ARGS[@]}"} >/dev/null 2>&1; then
    log "mvn failed; its log ($NODE_HOME/mvn.log):"
    tail -n 40 "$NODE_HOME/mvn.log" >&2
    exit 1
  fi
  echo "$stamp" > "$LIB.tmp/.resolved"
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  log "resolved $(find "$LIB" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
}

# The launcher is compiled once (cached by its hash and the jars'); that saves ~3 s per start over Java's
# source-file mode, which is the fallback without javac when the launcher allows it.
node_compile_launcher() {
  local javac="$JAVA_HOME/bin/javac" src_hash classes sources=()
  for source in "${NODE_SOURCES[@]:-$NODE_LAUNCHER}"; do sources+=("$NODE_DIR/$source"); done
  LAUNCH=("$NODE_DIR/$NODE_LAUNCHER")
  CP="$LIB/*"
  if [ ! -x "$javac" ]; then
    [ "$NODE_NEEDS_JAVAC" = true ] || return 0
    log "javac not found in $JAVA_HOME; $NODE_LAUNCHER must be compiled"
    exit 1
  fi
  src_hash=$(cat "${sources[@]}" "$LIB/.resolved" | sha256sum | cut -c1-16)
  classes="$NODE_HOME/classes-$src_hash"
  if [ ! -d "$classes" ]; then
    rm -rf "$NODE_HOME"/classes-*
    mkdir -p "$classes.tmp"
    if ! "$javac" -nowarn -d "$classes.tmp" -cp "$LIB/*" "${sources[@]}" >&2; then
      rm -rf "$classes.tmp"
      [ "$NODE_NEEDS_JAVAC" = true ] || return 0
      log "could not compile $NODE_LAUNCHER"
      exit 1
    fi
    mv "$classes.tmp" "$classes"
  fi
  LAUNCH=("$NODE_MAIN")
  CP="$classes:$LIB/*"
}

# Start the node of $port (unless one answers) and wait for yellow health; print $URL as the last line.
node_start() {
  local pid health started extra=()
  command -v curl >/dev/null 2>&1 || apt_install curl

  if $clean; then
    if node_answers || node_running_pid >/dev/null; then "$NODE_DIR/stop.sh" "$port" >&2; fi
    log "wiping $RUN"
    rm -rf "$RUN"
  elif node_answers; then
    log "a node already answers on $URL"
    echo "$URL"
    exit 0
  fi

  node_java
  mkdir -p "$NODE_HOME" "$RUN"
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$NODE_HOME/.lib.lock"; flock 8; node_resolve_jars; node_compile_launcher; flock -u 8
  else
    node_resolve_jars; node_compile_launcher
  fi

  # One start per port at a time.
  if command -v flock >/dev/null 2>&1; then exec 9>"$RUN/.start.lock"; flock 9; fi

  if pid=$(node_running_pid); then
    log "node process $pid for port $port is already running; waiting for it"
  else
    if node_answers; then echo "$URL"; exit 0; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      log "port $port is taken by something that is not a $NODE_TITLE node; choose another port"
      exit 1
    fi
    mkdir -p "$RUN/tmp"
    if [ -n "${NODE_EXTRA_SETTINGS:-}" ]; then read -r -a extra <<< "$NODE_EXTRA_SETTINGS"; fi
    echo "=== $(date -Is) start.sh: $JAVA, heap $NODE_HEAP, port $port" >> "$LOG_FILE"
    log "starting node on $URL (log: $LOG_FILE)"
    # setsid + nohup: the node outlives this script and its terminal; stop it with stop.sh.
    setsid nohup "$JAVA" \
      -Xms"$NODE_HEAP" -Xmx"$NODE_HEAP" \
      -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow \
      -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$RUN/tmp" -Djava.locale.providers="${NODE_LOCALE_PROVIDERS:-SPI,COMPAT}" \
      -Djna.nosys=true \
      -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
      -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true \
      "${NODE_JVM_OPTS[@]}" \
      -cp "$CP" "${LAUNCH[@]}" "$RUN" "$port" "${extra[@]}" \
      >> "$LOG_FILE" 2>&1 < /dev/null 8>&- 9>&- &
    pid=$!
    echo "$pid" > "$PID_FILE"
  fi

  # --- wait for yellow ------------------------------------------------------------------------------
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
    if [ $((SECONDS - started)) -ge "$NODE_TIMEOUT" ]; then
      log "no yellow cluster health on $URL after ${NODE_TIMEOUT} s; last lines of $LOG_FILE:"
      tail -n 60 "$LOG_FILE" >&2
      exit 1
    fi
    sleep 1
  done
  log "node up on $URL in $((SECONDS - started)) s (pid $pid)"
  echo "$URL"
}

# Stop the node of $port (SIGTERM, wait for the process to exit; SIGKILL after NODE_STOP_TIMEOUT s);
# --clean also wipes its run dir.
node_stop() {
  local pid="" waited
  if [ -f "$PID_FILE" ]; then pid=$(cat "$PID_FILE" 2>/dev/null || true); fi
  if pid=$(node_running_pid); then
    log "stopping node on port $port (pid $pid)"
    kill -TERM "$pid"
    waited=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge $((NODE_STOP_TIMEOUT * 10)) ]; then
        log "pid $pid still alive after ${NODE_STOP_TIMEOUT} s; sending SIGKILL"
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
    if node_answers; then
      log "warning: a $NODE_TITLE node answers on port $port but it has no pid file here ($PID_FILE); left alone"
    fi
  fi
  rm -f "$PID_FILE"
  if $clean; then
    log "wiping $RUN"
    rm -rf "$RUN"
  fi
}
