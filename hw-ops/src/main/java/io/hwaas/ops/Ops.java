package io.hwaas.ops;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.ops.audit.AuditCommand;
import io.hwaas.ops.bench.AuditBench;
import io.hwaas.ops.bench.DrainBench;
import io.hwaas.ops.bench.LatencyBench;
import io.hwaas.ops.status.StatusCommand;
import io.hwaas.runtime.Service;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The operator commands that ship in the worker's image. Exit statuses: 0 done, 64 a command
 * line it does not understand, 69 Redis unreachable, 78 a configuration it cannot use; the
 * commands add their own (the audit's 1 and 4, status' 2).
 */
@Command(name = "hw-worker", synopsisSubcommandLabel = "[COMMAND]",
        description = "Without arguments, runs the worker. With a command, runs that operator command against the "
                + "Redis of REDIS_URL (or HWAAS_REDIS_SENTINELS) and exits.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "64:a command line it does not understand", "69:Redis cannot be reached",
            "78:a configuration it cannot use (the message names the variable)"})
public final class Ops implements Callable<Integer> {
    @Mixin
    private Help help;
    @Spec
    private CommandSpec spec;

    private Ops() {
    }

    /** Runs the operator command {@code args} names and returns its exit status. */
    public static int run(String[] args, Env env, WorkerSide worker) {
        CommandLine cli = commandLine(env, worker);
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** The command tree, with Hwaas' exit statuses for bad input and bad configuration. */
    public static CommandLine commandLine(Env env, WorkerSide worker) {
        CommandLine cli = new CommandLine(new Ops());
        for (OpsCommand command : List.of(new StatusCommand(), new AuditCommand(), new KeysCommand(), new DrainBench(),
                new LatencyBench(), new AuditBench())) {
            cli.addSubcommand(command.on(env, worker));
        }
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(failed.getCommandName() + ": " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr())) {
                failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            }
            return Service.EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof ConfigException config) {
                return Service.refuse(config);
            }
            throw e;
        });
        return cli;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** {@code -h, --help} on every command. */
    public static final class Help {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        private boolean requested;
    }

    /** Durations written as the environment's are ({@code 500ms}, {@code 2s}, {@code 10m}, {@code 24h}), per option's range. */
    public static final class Durations {
        private Durations() {
        }

        /** {@code --since}: from a second to 30 days. */
        public static final class Since implements ITypeConverter<Duration> {
            @Override
            public Duration convert(String value) {
                return parse(value, Duration.ofSeconds(1), Duration.ofDays(30));
            }
        }

        /** A measuring window: from a second to ten minutes. */
        public static final class Window implements ITypeConverter<Duration> {
            @Override
            public Duration convert(String value) {
                return parse(value, Duration.ofSeconds(1), Duration.ofMinutes(10));
            }
        }

        private static Duration parse(String value, Duration min, Duration max) {
            try {
                return Env.parseDuration(value, min, max);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }
}
