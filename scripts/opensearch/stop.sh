#!/usr/bin/env bash
# Stop the OpenSearch node that scripts/opensearch/start.sh started on <port> (default 9201) and wait
# for its process to exit. Its data stays in $OPENSEARCH_HOME/run-<port>/ (start.sh brings it back);
# --clean also wipes that run dir.
#
#   scripts/opensearch/stop.sh [--clean] [port]
set -euo pipefail

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OPENSEARCH_VERSION=2.19.6
NODE_KIND=opensearch
NODE_TITLE="OpenSearch $OPENSEARCH_VERSION"
NODE_HOME=${OPENSEARCH_HOME:-$HOME/.cache/standards-registry/opensearch-$OPENSEARCH_VERSION}
NODE_MAIN=EmbeddedOpenSearch
NODE_STOP_TIMEOUT=${OPENSEARCH_STOP_TIMEOUT:-60}
NODE_HELP_LINES=6
# shellcheck source-path=SCRIPTDIR source=../lib/java-node.sh
. "$NODE_DIR/../lib/java-node.sh"

node_answers() { curl -s -m 3 "$URL/" 2>/dev/null | grep -q '"distribution" *: *"opensearch"'; }

node_args 9201 "$@"
node_stop
