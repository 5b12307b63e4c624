package io.hwaas.ops;

import io.hwaas.common.config.Env;
import io.hwaas.common.testing.Command;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs an operator command in the test's JVM, as the worker's Main does, and captures what it prints. */
public final class TestOps {
    /** The workers' default heartbeat settings; hw-ops' own tests run no worker. */
    public static final WorkerSide NO_WORKER = new WorkerSide() {
        @Override
        public Liveness liveness(Env env) {
            return new Liveness(Duration.ofSeconds(1), Duration.ofSeconds(4));
        }

        @Override
        public Running start(Env env, String name, OutputStream out) {
            throw new UnsupportedOperationException("hw-ops' tests run no worker; hw-worker's OpsIT runs bench-drain");
        }
    };

    private TestOps() {
    }

    /** Runs {@code args} with {@code env} as its environment. */
    public static Command.Result run(WorkerSide worker, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Ops.commandLine(new Env(env), worker);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Command.Result(exit, out.toString(), err.toString());
    }

    public static Command.Result run(String redisUrl, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redisUrl);
        return run(NO_WORKER, env, args);
    }
}
