package io.hwaas.ops;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every operator command has: the environment, the worker it ships with, {@code --help},
 * where to print, and one shape of running: its options checked against the ranges their help
 * states, then the configuration read from the environment, then the command itself.
 */
public abstract class OpsCommand implements Callable<Integer> {
    private static final Pattern RANGE = Pattern.compile("\\((?:each )?(\\d+) to (\\d+);");

    @Mixin
    private Ops.Help help;
    @Spec
    private CommandSpec spec;

    protected Env env;
    protected WorkerSide worker;

    /** Gives the command the environment and the worker it ships with; {@link Ops} does before it runs. */
    OpsCommand on(Env environment, WorkerSide side) {
        this.env = environment;
        this.worker = side;
        return this;
    }

    /** Checks the options' ranges, then runs the command on the configuration the environment gives (a bad one: exit 78). */
    @Override
    public final Integer call() throws Exception {
        checkRanges();
        return run(CommonConfig.fromEnv(env));
    }

    /**
     * Refuses a whole-number option (or any of a list's) outside the range its help states as
     * "(MIN to MAX; ...)" or "(each MIN to MAX; ...)": the range is written once, where operators read it.
     */
    private void checkRanges() {
        for (OptionSpec option : spec.options()) {
            Matcher range = RANGE.matcher(String.join(" ", option.description()));
            if (!range.find()) {
                continue;
            }
            Object value = option.getValue();
            int[] values = value instanceof int[] list ? list : value instanceof Integer one ? new int[] {one} : new int[0];
            for (int v : values) {
                within(option.longestName(), v, Integer.parseInt(range.group(1)), Integer.parseInt(range.group(2)));
            }
        }
    }

    /** The command itself; returns its exit status. */
    protected abstract int run(CommonConfig config) throws Exception;

    /** Where results go: standard output, or what a test set. */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where problems go. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A usage error, exit status 64, naming what is wrong. */
    protected ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * An option's whole number within {@code [min, max]}.
     *
     * @throws ParameterException naming the option otherwise
     */
    private int within(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw usage(option + " must be between " + min + " and " + max + ", is " + value);
        }
        return value;
    }
}
