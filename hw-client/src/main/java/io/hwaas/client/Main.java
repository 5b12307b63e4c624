package io.hwaas.client;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.ops.MetricsServer;
import io.hwaas.common.ops.Signals;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the logical clients of one container, or with {@code train} the image build's training run. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            if (!"train".equals(args[0])) {
                System.err.println("unknown command '" + args[0] + "'; the client takes no arguments");
                System.exit(64);
            }
            System.exit(Training.run());
        }
        ClientConfig config;
        try {
            config = ClientConfig.fromEnv(new Env(System.getenv()), hostName());
        } catch (ConfigException e) {
            LOG.error("Invalid configuration, not starting: {}", e.getMessage());
            System.exit(78);
            return;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        ClientProcess client = new ClientProcess(config, registry);
        Signals.onTerminate(client::stop);
        Runtime.getRuntime().addShutdownHook(new Thread(client::stop, "shutdown-hook"));
        client.start();
        // The first hello goes out before the metrics endpoint and JVM metrics take their share of start-up.
        client.awaitFirstSend(Duration.ofSeconds(2));
        MetricsServer server = config.common().metricsPort() == 0 ? null
                : MetricsServer.start(config.common().metricsPort(), registry, client::healthy);
        client.await();
        if (server != null) {
            server.close();
        }
        long unsent = client.held();
        if (unsent > 0) {
            LOG.error("Stopped with {} hello(s) that could not be sent: they are lost", unsent);
            System.exit(1);
        }
        LOG.info("Stopped: {} hello(s) submitted", client.metrics().submittedTotal());
        System.exit(0);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            // Docker sets it to the container's short id: no resolver call needed.
            String host = env.replaceAll("[^A-Za-z0-9._-]", "-");
            return host.length() > 40 ? host.substring(0, 40) : host;
        }
        try {
            String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return host.length() > 40 ? host.substring(0, 40) : host;
        } catch (UnknownHostException e) {
            return "client";
        }
    }
}
