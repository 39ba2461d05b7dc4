#!/usr/bin/env bash
# Stop the Elasticsearch node that scripts/elasticsearch/start.sh started on <port> (default 9202) and wait
# for its process to exit. Its data stays in $ELASTICSEARCH_HOME/run-<port>/ (start.sh brings it back);
# --clean also wipes that run dir.
#
#   scripts/elasticsearch/stop.sh [--clean] [port]
set -euo pipefail

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ELASTICSEARCH_VERSION=8.19.21
NODE_KIND=elasticsearch
NODE_TITLE="Elasticsearch $ELASTICSEARCH_VERSION"
NODE_HOME=${ELASTICSEARCH_HOME:-$HOME/.cache/standards-registry/elasticsearch-$ELASTICSEARCH_VERSION}
NODE_MAIN=org.elasticsearch.node.EmbeddedElasticsearch
NODE_STOP_TIMEOUT=${ELASTICSEARCH_STOP_TIMEOUT:-60}
NODE_HELP_LINES=6
# shellcheck source-path=SCRIPTDIR source=../lib/java-node.sh
. "$NODE_DIR/../lib/java-node.sh"

node_answers() { curl -s -m 3 -o /dev/null -D - "$URL/" 2>/dev/null | grep -qi '^x-elastic-product: *Elasticsearch'; }

node_args 9202 "$@"
node_stop
