package io.hwaas.client;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Names;
import io.hwaas.runtime.MetricsServer;
import io.hwaas.runtime.Service;
import io.hwaas.runtime.Signals;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the logical clients of one container, or with {@code train} the image build's training run. */
public final class Main {
    static {
        Service.prepareJvm();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            if (!"train".equals(args[0])) {
                System.err.println("unknown command '" + args[0] + "'; the client takes no arguments");
                System.exit(Service.EXIT_USAGE);
            }
            System.exit(Training.run());
        }
        ClientConfig config;
        try {
            config = ClientConfig.fromEnv(new Env(System.getenv()), Names.host("client"));
        } catch (ConfigException e) {
            System.exit(Service.refuse(e));
            return;
        }
        Service.warnUnknownVariables(System.getenv(), LOG);
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
            if (client.hasLedger()) {
                LOG.error("Stopped with {} hello(s) that could not be sent; they are kept in the ledger for the next client"
                        + " container on this host to send", unsent);
            } else {
                LOG.error("Stopped with {} hello(s) that could not be sent: they are lost (set HWAAS_CLIENT_LEDGER_DIR"
                        + " to keep them)", unsent);
            }
            System.exit(1);
        }
        LOG.info("Stopped: {} hello(s) submitted", client.metrics().submittedTotal());
        System.exit(0);
    }
}
