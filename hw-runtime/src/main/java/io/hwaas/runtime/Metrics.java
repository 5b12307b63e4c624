package io.hwaas.runtime;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * How the services declare their counters. No exemplars: nothing here traces, and sampling them
 * costs a scheduler task per observation.
 */
public final class Metrics {
    private Metrics() {
    }

    /** A counter {@code name} with its {@code help}, split by {@code labelNames} if any, registered on {@code registry}. */
    public static Counter counter(PrometheusRegistry registry, String name, String help, String... labelNames) {
        Counter.Builder builder = Counter.builder().withoutExemplars().name(name).help(help);
        if (labelNames.length > 0) {
            builder.labelNames(labelNames);
        }
        return builder.register(registry);
    }
}
