package io.hwaas.ops;

import io.hwaas.common.config.Env;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every operator command has: the environment, the worker it ships with, {@code --help}, where to print. */
public abstract class OpsCommand implements Callable<Integer> {
    @Mixin
    private Ops.Help help;
    @Spec
    private CommandSpec spec;

    protected final Env env;
    protected final WorkerSide worker;

    protected OpsCommand(Env env, WorkerSide worker) {
        this.env = env;
        this.worker = worker;
    }

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
    protected int within(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw usage(option + " must be between " + min + " and " + max + ", is " + value);
        }
        return value;
    }
}
