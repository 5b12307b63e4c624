package io.hwaas.ops;

import io.hwaas.common.config.CommonConfig;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code keys [NAME]}: the Redis keys of this deployment. Scripts ({@code bench/run}, CI) read
 * key names from here instead of spelling them out.
 */
@Command(name = "keys", description = "The Redis keys of this deployment (queue, in-flight pattern, dead letters, ...)"
        + " as name=key lines, or the one key NAME.")
public final class KeysCommand extends OpsCommand {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One key's name, e.g. queue.")
    private String name;

    @Override
    protected int run(CommonConfig config) {
        Map<String, String> named = config.keys().named();
        if (name == null) {
            named.forEach((n, key) -> out().println(n + "=" + key));
            return 0;
        }
        String key = named.get(name);
        if (key == null) {
            throw usage("no key named '" + name + "'; known: " + String.join(", ", named.keySet()));
        }
        out().println(key);
        return 0;
    }
}
