package io.hwaas.ops;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keys [NAME]}: the Redis keys of this deployment. Scripts ({@code bench/run}, CI) read
 * key names from here instead of spelling them out.
 */
@Command(name = "keys", description = "The Redis keys of this deployment (queue, in-flight pattern, dead letters, ...)"
        + " as name=key lines, or the one key NAME.")
public final class KeysCommand implements Callable<Integer> {
    @Mixin
    private Ops.Help help;
    @Spec
    private CommandSpec spec;
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One key's name, e.g. queue.")
    private String name;

    private final Env env;

    KeysCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Map<String, String> named = CommonConfig.fromEnv(env).keys().named();
        if (name == null) {
            named.forEach((n, key) -> spec.commandLine().getOut().println(n + "=" + key));
            return 0;
        }
        String key = named.get(name);
        if (key == null) {
            throw new ParameterException(spec.commandLine(), "no key named '" + name + "'; known: "
                    + String.join(", ", named.keySet()));
        }
        spec.commandLine().getOut().println(key);
        return 0;
    }
}
