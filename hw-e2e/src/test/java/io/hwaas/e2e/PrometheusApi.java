package io.hwaas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prometheus' HTTP API on 127.0.0.1, as the monitoring tests ask it. */
final class PrometheusApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    PrometheusApi(int port) {
        this.port = port;
    }

    /** An instant query's response, errors included. */
    JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** How many series an instant query returns. */
    int count(String promql) {
        return query(promql).path("data").path("result").size();
    }

    /** The active targets. */
    JsonNode targets() {
        return get("/api/v1/targets?state=active").path("data").path("activeTargets");
    }

    /** Targets that are up, by job. */
    Map<String, Integer> upTargets() {
        Map<String, Integer> up = new LinkedHashMap<>();
        for (JsonNode target : targets()) {
            if ("up".equals(target.path("health").asText())) {
                up.merge(target.path("labels").path("job").asText(), 1, Integer::sum);
            }
        }
        return up;
    }

    /** The loaded alerting rules by name, with their state and health. */
    Map<String, JsonNode> alertRules() {
        Map<String, JsonNode> rules = new LinkedHashMap<>();
        for (JsonNode group : get("/api/v1/rules?type=alert").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.put(rule.path("name").asText(), rule);
            }
        }
        return rules;
    }

    /** The parsed body, errors included (Prometheus answers bad queries with 400 and a JSON error). */
    JsonNode get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(15)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            // An assertion, so that polling retries while Prometheus starts and reports the cause at the end.
            throw new AssertionError("Prometheus on 127.0.0.1:" + port + " did not answer " + pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
