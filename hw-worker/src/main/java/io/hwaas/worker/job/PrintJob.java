package io.hwaas.worker.job;

import io.hwaas.runtime.Printable;
import java.util.Objects;

/**
 * The one job HWaaS runs: print its only argument as one line. Jesque materialises it from
 * {@code {"class":"PrintJob","args":["hello, world!"]}}; HWaaS' consumers take {@link #line()}
 * and write many lines at once, while a plain Jesque worker calls {@link #run()}.
 */
public final class PrintJob implements Runnable {
    private final String argument;

    /** @param argument what to print; control characters are neutralised when printed */
    public PrintJob(String argument) {
        this.argument = Objects.requireNonNull(argument, "argument");
    }

    /** The line to print, without its line break, safe for a terminal. */
    public String line() {
        return Printable.of(argument);
    }

    @Override
    public void run() {
        System.out.println(line());
        System.out.flush();
    }
}
