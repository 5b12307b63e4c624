package io.hwaas.bench.jesque;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.greghaines.jesque.Config;
import net.greghaines.jesque.ConfigBuilder;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.client.Client;
import net.greghaines.jesque.client.ClientImpl;
import net.greghaines.jesque.worker.MapBasedJobFactory;
import net.greghaines.jesque.worker.Worker;
import net.greghaines.jesque.worker.WorkerImpl;

/**
 * Stock Jesque doing HWaaS' job, the benchmark's peer: {@code worker} runs Jesque's own
 * {@link WorkerImpl} printing each {@code PrintJob} to stdout; {@code client N} enqueues a
 * {@code PrintJob("hello, world!")} once a second for each of N clients, on a fixed-rate timer
 * spread over the second, through one {@link ClientImpl}. Jesque's defaults throughout; the
 * connection comes from REDIS_HOST, REDIS_PORT and REDIS_PASSWORD.
 */
public final class Peer {
    private static final String QUEUE = "hello";

    private Peer() {
    }

    /** The job: prints its one argument. */
    public static final class PrintJob implements Runnable {
        private final String message;

        public PrintJob(String message) {
            this.message = message;
        }

        @Override
        public void run() {
            System.out.println(message);
        }
    }

    public static void main(String[] args) throws Exception {
        Config config = new ConfigBuilder()
                .withHost(System.getenv().getOrDefault("REDIS_HOST", "redis"))
                .withPort(Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")))
                .withPassword(System.getenv("REDIS_PASSWORD"))
                .build();
        if (args.length == 1 && args[0].equals("worker")) {
            Worker worker = new WorkerImpl(config, List.of(QUEUE),
                    new MapBasedJobFactory(Map.of("PrintJob", PrintJob.class)));
            worker.run();
        } else if (args.length == 2 && args[0].equals("client") && args[1].matches("[1-9][0-9]{0,4}")) {
            runClients(config, Integer.parseInt(args[1]));
        } else {
            System.err.println("usage: peer worker | peer client N (1..99999)");
            System.exit(2);
        }
    }

    private static void runClients(Config config, int clients) throws InterruptedException {
        Client client = new ClientImpl(config);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        List<Object> schedules = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long phase = 1000L * i / clients;
            schedules.add(timer.scheduleAtFixedRate(
                    () -> client.enqueue(QUEUE, new Job("PrintJob", "hello, world!")), phase, 1000, TimeUnit.MILLISECONDS));
        }
        timer.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    }
}
