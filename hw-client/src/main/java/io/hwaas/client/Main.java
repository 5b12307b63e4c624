package io.hwaas.client;

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
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Service.main(env -> {
            if (args.length == 0) {
                return run(ClientConfig.fromEnv(env, Names.host("client")));
            }
            if (!"train".equals(args[0])) {
                System.err.println("unknown command '" + args[0] + "'; the client takes no arguments");
                return Service.EXIT_USAGE;
            }
            return Training.run();
        });
    }

    private static int run(ClientConfig config) throws Exception {
        Logger log = LoggerFactory.getLogger(Main.class);
        Service.warnUnknownVariables(System.getenv(), log);
        PrometheusRegistry registry = new PrometheusRegistry();
        ClientProcess client = new ClientProcess(config, registry);
        Signals.onTerminate(client::stop);
        client.start();
        // The first hello goes out before the metrics endpoint and JVM metrics take their share of start-up.
        client.awaitFirstSend(Duration.ofSeconds(2));
        try (MetricsServer server = MetricsServer.serve(config.common().metricsPort(), registry, client::healthy)) {
            client.await();
        }
        long unsent = client.held();
        if (unsent > 0) {
            if (client.hasLedger()) {
                log.error("Stopped with {} hello(s) that could not be sent; they are kept in the ledger for the next client"
                        + " container on this host to send", unsent);
            } else {
                log.error("Stopped with {} hello(s) that could not be sent: they are lost (set HWAAS_CLIENT_LEDGER_DIR"
                        + " to keep them)", unsent);
            }
            return 1;
        }
        log.info("Stopped: {} hello(s) submitted", client.metrics().submittedTotal());
        return 0;
    }
}
