# shellcheck shell=bash
# What start.sh and stop.sh share (sourced): which Elasticsearch, where its jars and run dirs live, and
# which Java runs it. ELASTICSEARCH_VERSION picks the release (default 8.19.21, on Java 17); 9.x needs
# Java 21 or newer: ELASTICSEARCH_JAVA_HOME, else the newest JDK 21+ under /usr/lib/jvm.
ELASTICSEARCH_VERSION=${ELASTICSEARCH_VERSION:-8.19.21}
NODE_KIND=elasticsearch
NODE_TITLE="Elasticsearch $ELASTICSEARCH_VERSION"
NODE_HOME=${ELASTICSEARCH_HOME:-$HOME/.cache/standards-registry/elasticsearch-$ELASTICSEARCH_VERSION}
NODE_LAUNCHER=EmbeddedElasticsearch.java
NODE_SOURCES=(EmbeddedElasticsearch.java ClasspathPluginsService.java)
NODE_MAIN=org.elasticsearch.node.EmbeddedElasticsearch  # in Node's package: it must be compiled
NODE_MAVEN_ARGS=(-Delasticsearch.version="$ELASTICSEARCH_VERSION")

if [ "${ELASTICSEARCH_VERSION%%.*}" -ge 9 ]; then
  JAVA_HOME=${ELASTICSEARCH_JAVA_HOME:-$(ls -d /usr/lib/jvm/*-2[1-9]-* /usr/lib/jvm/*-2[1-9] 2>/dev/null | sort -V | tail -n 1 || true)}
  if [ -z "$JAVA_HOME" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; then
    echo "elasticsearch: $NODE_TITLE needs a JDK 21 or newer; set ELASTICSEARCH_JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME
  NODE_LOCALE_PROVIDERS=CLDR  # what Elasticsearch 9 itself uses; Java 23+ has no COMPAT provider
fi
