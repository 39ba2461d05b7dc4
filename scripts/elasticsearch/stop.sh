#!/usr/bin/env bash
# Stop the Elasticsearch node that scripts/elasticsearch/start.sh started on <port> (default 9202) and wait
# for its process to exit; give it the ELASTICSEARCH_VERSION the node was started with (e.g. 9.2.0). Its
# data stays in $ELASTICSEARCH_HOME/run-<port>/ (start.sh brings it back); --clean also wipes that run dir.
#
#   scripts/elasticsearch/stop.sh [--clean] [port]
set -euo pipefail

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=node.sh
. "$NODE_DIR/node.sh"
NODE_STOP_TIMEOUT=${ELASTICSEARCH_STOP_TIMEOUT:-60}
NODE_HELP_LINES=6
# shellcheck source-path=SCRIPTDIR source=../lib/java-node.sh
. "$NODE_DIR/../lib/java-node.sh"

node_answers() { curl -s -m 3 -o /dev/null -D - "$URL/" 2>/dev/null | grep -qi '^x-elastic-product: *Elasticsearch'; }

node_args 9202 "$@"
node_stop
