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

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OPENSEARCH_VERSION=2.19.6
NODE_KIND=opensearch
NODE_TITLE="OpenSearch $OPENSEARCH_VERSION"
NODE_HOME=${OPENSEARCH_HOME:-$HOME/.cache/standards-registry/opensearch-$OPENSEARCH_VERSION}
NODE_LAUNCHER=EmbeddedOpenSearch.java
NODE_MAIN=EmbeddedOpenSearch
NODE_NEEDS_JAVAC=false  # runs in Java's source-file mode when there is no javac
NODE_JVM_OPTS=(-Dopensearch.set.netty.runtime.available.processors=false)
NODE_HEAP=${OPENSEARCH_HEAP:-512m}
NODE_TIMEOUT=${OPENSEARCH_START_TIMEOUT:-120}
NODE_HELP_LINES=14
NODE_EXTRA_SETTINGS=${OPENSEARCH_EXTRA_SETTINGS:-}
# shellcheck source-path=SCRIPTDIR source=../lib/java-node.sh
. "$NODE_DIR/../lib/java-node.sh"

# Does an OpenSearch node answer on $URL?
node_answers() { curl -s -m 3 "$URL/" 2>/dev/null | grep -q '"distribution" *: *"opensearch"'; }

node_args 9201 "$@"
node_start
