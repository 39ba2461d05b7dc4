/*
 * A single-node Elasticsearch (8.19.x, or 9.x on Java 21+) for tests, started from Maven Central jars (no
 * distribution, no Docker).
 *
 *   javac -d "$CLASSES" -cp "$ELASTICSEARCH_HOME/lib/*" scripts/elasticsearch/EmbeddedElasticsearch.java \
 *         scripts/elasticsearch/ClasspathPluginsService.java
 *   java -Xms512m -Xmx512m -cp "$CLASSES:$ELASTICSEARCH_HOME/lib/*" org.elasticsearch.node.EmbeddedElasticsearch \
 *        <home-dir> <http-port> [setting=value ...]
 *
 * (scripts/elasticsearch/start.sh does all of this for you, with Java 17 for 8.x and 21+ for 9.x.)
 *
 * <home-dir> is the node's path.home: config/ (a generated log4j2.properties), data/ and logs/ live under
 * it, so a stop and a start on the same home keep the indices. The node listens on 127.0.0.1 only,
 * HTTP on <http-port>, transport on a free port, discovery.type=single-node, no security (x-pack is not on
 * the classpath). Extra arguments of the form key=value are added to the settings. It runs until killed;
 * a shutdown hook closes the node.
 *
 * Why it looks the way it does:
 * - Elastic publishes the server and the transport-netty4 plugin to Maven Central, not the other modules of
 *   its distribution (analysis-common, rest-root, x-pack, ...), and a plugin jar is a Java module meant for
 *   a plugin layer above the server module. Elasticsearch's own integration tests run nodes with plugins
 *   taken from the classpath (the test framework's MockNode). MockNode itself cannot be used here: building it
 *   initialises ESTestCase, whose bootstrap refuses to run as root (CI runs as root) and turns on test-only
 *   JVM settings, and the framework is not published for 9.x. So this class builds the Node itself, with
 *   ClasspathPluginsService (beside it) serving the plugin classes: it sits in Node's package
 *   (NodeConstruction and NodeServiceProvider are package-private there), which is why it must be compiled
 *   onto the classpath rather than run in source-file mode. No mock service is installed: search,
 *   transport, HTTP and the rest are the server's own.
 * - GET / (the banner clients probe to tell Elasticsearch from OpenSearch) lives in the distribution's
 *   rest-root module; RootEndpointPlugin answers it from the same sources (Build, cluster state).
 * - Without analysis-common the cluster has the built-in analyzers (standard, whitespace, keyword, ...), the
 *   standard tokenizer and pre-built filters such as lowercase, but not the whitespace or pattern
 *   tokenizers, synonym filters and the like to build custom analyzers from.
 */

package org.elasticsearch.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.elasticsearch.xcontent.XContentBuilder;

public class EmbeddedElasticsearch {

    /** A Node whose plugins are classes on the classpath, built as the test framework's MockNode builds one. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> classpathPlugins) {
            super(NodeConstruction.prepareConstruction(environment, null, new NodeServiceProvider() {
                @Override
                PluginsService newPluginService(Environment env, PluginsLoader pluginsLoader) {
                    return new ClasspathPluginsService(env.settings(), env, classpathPlugins);
                }
            }, /* forbidPrivateIndexSettings */ true));
        }
    }

    /**
     * GET / and HEAD /: the banner clients probe (name, cluster, version, tagline). The distribution serves it from
     * its rest-root module, which is not on Maven Central; this is the same answer, built from the same sources.
     */
    public static final class RootEndpointPlugin extends Plugin implements ActionPlugin {
        private volatile ClusterService clusterService;

        @Override
        public Collection<?> createComponents(PluginServices services) {
            clusterService = services.clusterService();
            return List.of();
        }

        @Override
        public Collection<RestHandler> getRestHandlers(
            Settings settings,
            org.elasticsearch.common.io.stream.NamedWriteableRegistry namedWriteableRegistry,
            org.elasticsearch.rest.RestController restController,
            org.elasticsearch.common.settings.ClusterSettings clusterSettings,
            org.elasticsearch.common.settings.IndexScopedSettings indexScopedSettings,
            org.elasticsearch.common.settings.SettingsFilter settingsFilter,
            org.elasticsearch.cluster.metadata.IndexNameExpressionResolver indexNameExpressionResolver,
            java.util.function.Supplier<org.elasticsearch.cluster.node.DiscoveryNodes> nodesInCluster,
            java.util.function.Predicate<org.elasticsearch.features.NodeFeature> clusterSupportsFeature
        ) {
            return List.of(new RestHandler() {
                @Override
                public List<Route> routes() {
                    return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
                }

                @Override
                public void handleRequest(RestRequest request, RestChannel channel, NodeClient client) throws Exception {
                    ClusterState state = clusterService.state();
                    Build build = Build.current();
                    XContentBuilder body = channel.newBuilder();
                    body.startObject()
                        .field("name", clusterService.getNodeName())
                        .field("cluster_name", state.getClusterName().value())
                        .field("cluster_uuid", state.metadata().clusterUUID())
                        .startObject("version")
                        .field("number", build.qualifiedVersion())
                        .field("build_flavor", build.flavor())
                        .field("build_type", build.type().displayName())
                        .field("build_hash", build.hash())
                        .field("build_date", build.date())
                        .field("build_snapshot", build.isSnapshot())
                        .field("lucene_version", IndexVersion.current().luceneVersion().toString())
                        .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                        .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                        .endObject()
                        .field("tagline", "You Know, for Search")
                        .endObject();
                    channel.sendResponse(new RestResponse(RestStatus.OK, body));
                }
            });
        }
    }

    private static final String LOG4J2_PROPERTIES = String.join(
        "\n",
        "# written by EmbeddedElasticsearch.java on every start",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = ${sys:embedded.elasticsearch.log.level:-info}",
        "rootLogger.appenderRef.console.ref = console",
        "# quieter deprecation warnings (they also go into the response headers)",
        "logger.deprecation.name = org.elasticsearch.deprecation",
        "logger.deprecation.level = error",
        ""
    );

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EmbeddedElasticsearch <home-dir> <http-port> [setting=value ...]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath().normalize();
        int httpPort = Integer.parseInt(args[1]);
        Path config = home.resolve("config");
        Path data = home.resolve("data");
        Path logs = home.resolve("logs");
        for (Path dir : List.of(config, data, logs, home.resolve("plugins"), home.resolve("modules"))) {
            Files.createDirectories(dir);
        }
        Files.writeString(config.resolve("log4j2.properties"), LOG4J2_PROPERTIES, StandardCharsets.UTF_8);

        Settings.Builder builder = Settings.builder()
            .put("cluster.name", System.getProperty("embedded.elasticsearch.cluster", "standards-registry-test"))
            .put("node.name", "registry-test-" + httpPort)
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", logs.toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", freeLoopbackPort())
            .put("discovery.type", "single-node")
            // the test machine's disk may be fuller than the default watermarks; never go read-only for that
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("bootstrap.memory_lock", false);
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("expected setting=value, got: " + args[i]);
            builder.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = builder.build();

        // Logging as the real bootstrap does it: listen for log4j status errors, then configure from config/
        // (console only: start.sh keeps the node's output as its log).
        LogConfigurator.registerErrorListener();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings,
            Map.of(),
            config,
            () -> "registry-test-" + httpPort
        );
        LogConfigurator.setNodeName(environment.settings().get("node.name"));
        LogConfigurator.configure(environment, true);

        Node node;
        try {
            node = new EmbeddedNode(environment, List.of(Netty4Plugin.class, RootEndpointPlugin.class));
        } catch (Throwable t) {
            // threads started by a half-built node would keep the JVM alive: exit so start.sh sees the failure
            LogManager.getLogger(EmbeddedElasticsearch.class).error("node could not be created", t);
            System.exit(1);
            return;
        }
        CountDownLatch keepAlive = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (node.awaitClose(30, TimeUnit.SECONDS) == false) {
                    System.err.println("node did not close within 30s");
                }
            } catch (IOException | InterruptedException e) {
                e.printStackTrace();
            } finally {
                keepAlive.countDown();
                LoggerContext context = (LoggerContext) LogManager.getContext(false);
                Configurator.shutdown(context);
            }
        }, "embedded-elasticsearch-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            LogManager.getLogger(EmbeddedElasticsearch.class).error("node could not start", t);
            System.exit(1); // the shutdown hook closes the node
        }
        System.out.println("EmbeddedElasticsearch started: http://127.0.0.1:" + httpPort + " (home " + home + ")");
        keepAlive.await();
    }

    private static int freeLoopbackPort() throws IOException {
        String fixed = System.getProperty("embedded.elasticsearch.transport.port");
        if (fixed != null) return Integer.parseInt(fixed);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
