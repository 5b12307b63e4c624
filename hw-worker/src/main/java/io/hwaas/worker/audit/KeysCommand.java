package io.hwaas.worker.audit;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;

/**
 * {@code keys [NAME]}: the Redis keys of this deployment (queue, in-flight pattern, dead letters,
 * ...), as {@code name=key} lines, or the one key named. Scripts ({@code bench/run}, CI) read
 * key names from here instead of spelling them out.
 */
public final class KeysCommand {
    private KeysCommand() {
    }

    public static int main(Env env, String[] args) {
        var named = CommonConfig.fromEnv(env).keys().named();
        if (args.length == 1) {
            String key = named.get(args[0]);
            if (key == null) {
                System.err.println("keys: no key named '" + args[0] + "'; known: " + String.join(", ", named.keySet()));
                return 64;
            }
            System.out.println(key);
            return 0;
        }
        named.forEach((name, key) -> System.out.println(name + "=" + key));
        return 0;
    }
}
