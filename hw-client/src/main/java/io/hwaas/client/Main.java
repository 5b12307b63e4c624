package io.hwaas.client;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.schedule.Ticker;
import io.hwaas.client.send.Outbox;
import io.hwaas.client.send.Sender;
import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.ops.Liveness;
import io.hwaas.common.ops.MetricsServer;
import io.hwaas.common.ops.Signals;
import io.hwaas.common.redis.RedisConnector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the logical clients of one container: a schedule each, one sender for all. */
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
        System.exit(run(config));
    }

    static int run(ClientConfig config) throws Exception {
        long start = System.currentTimeMillis();
        List<Outbox> outboxes = new ArrayList<>();
        for (int i = 0; i < config.clientsPerContainer(); i++) {
            outboxes.add(new Outbox(ClientIds.of(config.idPrefix(), start, i), config.bufferCapacity()));
        }
        String member = config.idPrefix() + "-" + Long.toString(start, 36) + ":" + outboxes.size();
        RedisConnector connector = new RedisConnector(config.common().redis(), config.common().redisTimeout(),
                config.common().redisCaFile(), "client-" + member.replace(':', '-'));
        PrometheusRegistry registry = new PrometheusRegistry();
        Liveness ticking = new Liveness(config.interval().multipliedBy(3).plusSeconds(10));
        Liveness sending = new Liveness(Duration.ofSeconds(30));
        Sender[] senderRef = new Sender[1];
        ClientMetrics metrics = new ClientMetrics(registry, () -> senderRef[0].held(), outboxes.size());
        Sender sender = new Sender(outboxes, config.common().keys(), connector, metrics, config.common().auditTtl(),
                member, sending);
        senderRef[0] = sender;
        Ticker ticker = new Ticker(outboxes, sender, metrics, config.interval(), ticking);

        MetricsServer server = config.common().metricsPort() == 0 ? null
                : MetricsServer.start(config.common().metricsPort(), registry, () -> ticking.healthy() && sending.healthy());
        Thread senderThread = new Thread(sender, "sender");
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            if (stopped.getCount() == 0) {
                return;
            }
            try {
                ticker.stop();
                LOG.info("Stopping: flushing {} held hello(s) for up to {} ms", sender.held(), config.flushTimeout().toMillis());
                sender.stop(config.flushTimeout());
                senderThread.join(config.flushTimeout().toMillis() + 3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        };
        Signals.onTerminate(stop);
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown-hook"));

        LOG.info("Client {} starting {} logical client(s), one hello every {} ms each, to {} at {}", member,
                outboxes.size(), config.interval().toMillis(), config.common().keys().queue(), config.common().redis());
        senderThread.start();
        ticker.start();
        stopped.await();
        if (server != null) {
            server.close();
        }
        long unsent = sender.held();
        if (unsent > 0) {
            LOG.error("Stopped with {} hello(s) that could not be sent: they are lost", unsent);
            return 1;
        }
        LOG.info("Stopped: {} hello(s) submitted", metrics.submittedTotal());
        return 0;
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return host.length() > 40 ? host.substring(0, 40) : host;
        } catch (UnknownHostException e) {
            return "client";
        }
    }
}
