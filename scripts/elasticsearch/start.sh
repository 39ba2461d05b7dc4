#!/usr/bin/env bash
# Start a real single-node Elasticsearch (8.19.21; ELASTICSEARCH_VERSION=9.2.0 for 9.x) on 127.0.0.1:<port>
# (default 9202) for tests, from Maven Central jars (no Docker, no distribution tarball), and print its URL
# as the LAST line of stdout:
#
#   export REGISTRY_TEST_ELASTICSEARCH_URL=$(scripts/elasticsearch/start.sh | tail -1)
#   scripts/elasticsearch/start.sh [--clean] [port]
#
# Idempotent: if a node already answers on the port, it only prints the URL. Indices persist across
# stop.sh/start.sh of the same port (the data dir is $ELASTICSEARCH_HOME/run-<port>/data); --clean stops a
# running node on that port and wipes its run dir first.
#
# Environment: ELASTICSEARCH_VERSION (default 8.19.21), ELASTICSEARCH_HOME (jar cache + run dirs, default
# ~/.cache/standards-registry/elasticsearch-<version>), ELASTICSEARCH_HEAP (default 512m),
# ELASTICSEARCH_START_TIMEOUT (seconds, default 120), ELASTICSEARCH_EXTRA_SETTINGS (space-separated
# key=value node settings), JAVA_HOME (default: Java 17) or, for 9.x, ELASTICSEARCH_JAVA_HOME (JDK 21+).
set -euo pipefail

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=node.sh
. "$NODE_DIR/node.sh"
NODE_NEEDS_JAVAC=true
NODE_JVM_OPTS=()
NODE_HEAP=${ELASTICSEARCH_HEAP:-512m}
NODE_TIMEOUT=${ELASTICSEARCH_START_TIMEOUT:-120}
NODE_HELP_LINES=16
NODE_EXTRA_SETTINGS=${ELASTICSEARCH_EXTRA_SETTINGS:-}
# shellcheck source-path=SCRIPTDIR source=../lib/java-node.sh
. "$NODE_DIR/../lib/java-node.sh"

# Does an Elasticsearch node answer on $URL? (the header every Elasticsearch response carries)
node_answers() { curl -s -m 3 -o /dev/null -D - "$URL/" 2>/dev/null | grep -qi '^x-elastic-product: *Elasticsearch'; }

node_args 9202 "$@"
node_start
