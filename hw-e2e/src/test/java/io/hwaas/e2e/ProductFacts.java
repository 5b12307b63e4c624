package io.hwaas.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hwaas.client.ClientConfig;
import io.hwaas.common.config.Env;
import io.hwaas.common.config.Variables;
import io.hwaas.common.redis.RedisUrl;
import io.hwaas.runtime.MetricsServer;
import io.hwaas.worker.WorkerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * HWaaS' own numbers and names, read from the product, for the offline deployment checks under
 * {@code deploy/validate}: they hold the Kubernetes manifests and the ECS template to these instead
 * of to copies. Sources: the services' configuration defaults ({@link WorkerConfig},
 * {@link ClientConfig}, their common part and {@code Keys}), the variables they read, the image's
 * user and health check (the Dockerfile), what the metrics server actually serves, the Compose
 * stack (the stop allowance its end-to-end tests exercise, and the Redis settings it runs with) and
 * the Prometheus jobs its monitoring scrapes the services as.
 */
final class ProductFacts {
    /** Variables whose defaults the facts assume: a deployment that sets one is not checked against it. */
    private static final List<String> DEFAULTS = List.of("HWAAS_METRICS_PORT", "HWAAS_NAMESPACE", "HWAAS_QUEUE",
            "HWAAS_CLIENT_FLUSH_TIMEOUT", "HWAAS_WORKER_BLOCK_TIMEOUT", "HWAAS_REDIS_TIMEOUT");
    private static final Pattern HEALTHCHECK = Pattern.compile("^HEALTHCHECK((?: --[a-z-]+=\\S+)*) CMD (\\[.*])$",
            Pattern.MULTILINE);
    private static final Pattern REDIS_SETTING = Pattern.compile(
            "--(maxmemory-policy|proto-max-bulk-len|appendonly|appendfsync) +(\\S+)");

    private ProductFacts() {
    }

    /** Writes the facts as JSON to {@code hw-e2e/target/hwaas-facts.json} and returns its path. */
    static Path write() throws IOException, InterruptedException {
        Path file = Repository.root().resolve("hw-e2e").resolve("target").resolve("hwaas-facts.json");
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), read(Repository.root()));
        return file;
    }

    static Map<String, Object> read(Path root) throws IOException, InterruptedException {
        Env defaults = new Env(Map.of());
        WorkerConfig worker = WorkerConfig.fromEnv(defaults, "facts");
        ClientConfig client = ClientConfig.fromEnv(defaults, "facts");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("port", worker.common().metricsPort());
        facts.put("keys", worker.common().keys().named());
        facts.put("database", RedisUrl.parse(RedisUrl.VARIABLE, RedisUrl.DEFAULT).database());
        facts.put("defaults", DEFAULTS);

        String dockerfile = Files.readString(root.resolve("Dockerfile")).replaceAll("\\\\\n\\s*", "");
        List<String> users = dockerfile.lines().filter(l -> l.startsWith("USER ")).map(l -> l.substring(5).strip()).distinct()
                .toList();
        check(users.size() == 1 && users.get(0).matches("\\d+:\\d+"), "one USER uid:gid in the Dockerfile, found " + users);
        facts.put("user", users.get(0));
        facts.put("uid", Integer.parseInt(users.get(0).split(":")[0]));
        facts.put("gid", Integer.parseInt(users.get(0).split(":")[1]));
        Matcher hc = HEALTHCHECK.matcher(dockerfile);
        check(hc.find(), "a HEALTHCHECK ... CMD [...] line in the Dockerfile");
        Map<String, Object> healthCheck = new LinkedHashMap<>();
        List<String> command = new ArrayList<>(List.of("CMD"));
        command.addAll(List.of(new ObjectMapper().readValue(hc.group(2), String[].class)));
        healthCheck.put("command", command);
        for (String option : hc.group(1).strip().split(" ")) {
            String[] kv = option.substring(2).split("=", 2);
            String value = kv[1].replaceAll("^(\\d+)$", "$1s");
            healthCheck.put(kv[0].equals("retries") ? kv[0] : camel(kv[0]), kv[0].equals("retries") ? Integer.parseInt(kv[1])
                    : new Env(Map.of(kv[0], value)).duration(kv[0], null, Duration.ZERO, Duration.ofHours(1)).toSeconds());
        }
        facts.put("healthCheck", healthCheck);
        Matcher path = Pattern.compile("GET (/\\S+) HTTP").matcher(String.join(" ", command));
        check(path.find(), "the Dockerfile's HEALTHCHECK asks a path with GET");
        facts.put("healthPath", served(path.group(1)));
        facts.put("metricsPath", served("/metrics"));

        Map<String, Object> compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        Duration workerStop = stop(services, "hw-worker");
        Duration clientStop = stop(services, "hw-client");
        // The Compose allowance must cover what the configuration itself makes a stop wait for: a
        // consumer blocked in BLMOVE that CLIENT UNBLOCK cannot reach, and a client's flush.
        Duration blocked = worker.blockTimeout().plus(worker.common().redis().timeout());
        check(workerStop.compareTo(blocked) > 0, "hw-worker's stop_grace_period exceeds block + Redis timeout " + blocked);
        check(clientStop.compareTo(client.flushTimeout()) > 0, "hw-client's stop_grace_period exceeds its flush timeout");
        Map<String, String> jobs = jobs(root);
        facts.put("worker", service("hw-worker", jobs, workerStop, "worker", "Compose stop_grace_period, covering block timeout "
                + worker.blockTimeout().toSeconds() + " s + Redis timeout " + worker.common().redis().timeout().toSeconds() + " s"));
        facts.put("client", service("hw-client", jobs, clientStop, "client", "Compose stop_grace_period, covering the flush timeout "
                + client.flushTimeout().toSeconds() + " s"));

        Map<String, String> redis = new LinkedHashMap<>();
        Matcher setting = REDIS_SETTING.matcher(String.valueOf(services.get("redis").get("command")));
        while (setting.find()) {
            redis.put(setting.group(1), setting.group(2));
        }
        check(redis.size() == 4, "the Compose Redis command sets " + REDIS_SETTING.pattern() + ", found " + redis);
        facts.put("redis", redis);
        facts.put("redisBytes", Map.of("proto-max-bulk-len", bytes(redis.get("proto-max-bulk-len"))));
        return facts;
    }

    private static Map<String, Object> service(String name, Map<String, String> jobs, Duration stop, String reader, String source) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        check(jobs.containsKey(name), "a Prometheus job scraping " + name + " in monitoring/prometheus/prometheus.yml, found " + jobs);
        s.put("job", jobs.get(name));
        s.put("stopSeconds", stop.toSeconds());
        s.put("stopSource", source);
        s.put("variables", Variables.known().entrySet().stream()
                .filter(e -> e.getValue().equals("services") || e.getValue().equals(reader)).map(Map.Entry::getKey).toList());
        return s;
    }

    /** The Prometheus job of each Compose service, as monitoring/prometheus/prometheus.yml finds them (by DNS name). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> jobs(Path root) throws IOException {
        Map<String, Object> prometheus = new Yaml().load(Files.readString(root.resolve("monitoring/prometheus/prometheus.yml")));
        Map<String, String> jobs = new LinkedHashMap<>();
        for (Map<String, Object> scrape : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            for (Map<String, Object> sd : (List<Map<String, Object>>) scrape.getOrDefault("dns_sd_configs", List.of())) {
                ((List<String>) sd.get("names")).forEach(n -> jobs.putIfAbsent(n, (String) scrape.get("job_name")));
            }
        }
        return jobs;
    }

    private static Duration stop(Map<String, Map<String, Object>> services, String name) {
        Object grace = services.get(name).get("stop_grace_period");
        check(grace != null, "docker-compose.yml gives " + name + " a stop_grace_period");
        return new Env(Map.of(name, grace.toString())).duration(name, null, Duration.ZERO, Duration.ofMinutes(10));
    }

    /** The path, once a live metrics server answers 200 on it (and 404 on another, so that the probe means something). */
    private static String served(String path) throws IOException, InterruptedException {
        try (MetricsServer server = MetricsServer.start(0, new PrometheusRegistry(), () -> true)) {
            HttpClient http = HttpClient.newHttpClient();
            for (String p : List.of(path, "/hwaas-not-served")) {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + p)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                check(status == (p.equals(path) ? 200 : 404), "the metrics server answers " + p + " with "
                        + (p.equals(path) ? 200 : 404) + ", not " + status);
            }
        }
        return path;
    }

    /** Redis' memory units (redis.conf: 1k = 1000, 1kb = 1024, ...), for settings other stores take in bytes. */
    private static long bytes(String value) {
        Matcher m = Pattern.compile("(\\d+)(k|kb|m|mb|g|gb)?").matcher(value.toLowerCase(java.util.Locale.ROOT));
        check(m.matches(), "a Redis memory size, not " + value);
        long unit = switch (m.group(2) == null ? "" : m.group(2)) {
            case "k" -> 1000L;
            case "kb" -> 1024L;
            case "m" -> 1000_000L;
            case "mb" -> 1L << 20;
            case "g" -> 1000_000_000L;
            case "gb" -> 1L << 30;
            default -> 1L;
        };
        return Long.parseLong(m.group(1)) * unit;
    }

    private static String camel(String option) {
        return Pattern.compile("-([a-z])").matcher(option).replaceAll(r -> r.group(1).toUpperCase(java.util.Locale.ROOT));
    }

    private static void check(boolean ok, String expected) {
        if (!ok) {
            throw new IllegalStateException("cannot read the product's facts: expected " + expected);
        }
    }
}
