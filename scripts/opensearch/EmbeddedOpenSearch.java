/*
 * A single-node OpenSearch 2.19.x for tests, started from Maven Central jars (no distribution, no Docker).
 *
 *   java -Xms512m -Xmx512m -cp "$OPENSEARCH_HOME/lib/*" scripts/opensearch/EmbeddedOpenSearch.java \
 *        <home-dir> <http-port> [setting=value ...]
 *
 * (Java 17 source-file mode; scripts/opensearch/start.sh does all of this for you.)
 *
 * <home-dir> is the node's path.home: config/ (a generated log4j2.properties), data/ and logs/ live under
 * it, so a stop and a start on the same home keep the indices. The node listens on 127.0.0.1 only,
 * HTTP on <http-port>, transport on a free port, discovery.type=single-node, with the classpath
 * plugins Netty4Plugin (HTTP + transport) and CommonAnalysisPlugin (synonym_graph, pattern_replace,
 * whitespace/keyword analyzers, ...). Extra arguments of the form key=value are added to the settings.
 * It runs until killed; a shutdown hook closes the node.
 */

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
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.bootstrap.BootstrapCheck;
import org.opensearch.bootstrap.BootstrapContext;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.BoundTransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

public class EmbeddedOpenSearch {

    /** Node's classpath-plugin constructor is protected: (Environment, Collection<Class<? extends Plugin>>, boolean). */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> classpathPlugins) {
            super(environment, classpathPlugins, /* forbidPrivateIndexSettings */ true);
        }

        @Override
        protected void validateNodeBeforeAcceptingRequests(
            BootstrapContext context,
            BoundTransportAddress boundTransportAddress,
            List<BootstrapCheck> checks
        ) {
            // A loopback-only, single-node test server: the production bootstrap checks
            // (mmap count, file descriptors, heap size equal, ...) are deliberately not enforced.
        }
    }

    private static final String LOG4J2_PROPERTIES = String.join(
        "\n",
        "# written by EmbeddedOpenSearch.java on every start",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = ${sys:embedded.opensearch.log.level:-info}",
        "rootLogger.appenderRef.console.ref = console",
        "# quieter deprecation warnings (they also go into the response headers)",
        "logger.deprecation.name = org.opensearch.deprecation",
        "logger.deprecation.level = error",
        ""
    );

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EmbeddedOpenSearch <home-dir> <http-port> [setting=value ...]");
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
            .put("cluster.name", System.getProperty("embedded.opensearch.cluster", "standards-registry-test"))
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

        // Logging as the real bootstrap does it: listen for log4j status errors, then configure from config/.
        LogConfigurator.registerErrorListener();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings,
            Map.of(),
            config,
            () -> "registry-test-" + httpPort
        );
        LogConfigurator.setNodeName(environment.settings().get("node.name"));
        LogConfigurator.configure(environment);

        Node node;
        try {
            node = new EmbeddedNode(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
        } catch (Throwable t) {
            // threads started by a half-built node would keep the JVM alive: exit so start.sh sees the failure
            LogManager.getLogger(EmbeddedOpenSearch.class).error("node could not be created", t);
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
        }, "embedded-opensearch-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            LogManager.getLogger(EmbeddedOpenSearch.class).error("node could not start", t);
            System.exit(1); // the shutdown hook closes the node
        }
        System.out.println("EmbeddedOpenSearch started: http://127.0.0.1:" + httpPort + " (home " + home + ")");
        keepAlive.await();
    }

    private static int freeLoopbackPort() throws IOException {
        String fixed = System.getProperty("embedded.opensearch.transport.port");
        if (fixed != null) return Integer.parseInt(fixed);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
