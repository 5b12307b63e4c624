package io.hwaas.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM ({@code docker stop}, scale-down) and SIGINT (Ctrl+C) into a graceful stop. The
 * JVM's default is to run shutdown hooks and exit with status 143; handling the signal lets a
 * service finish its work and exit 0, which is what an orderly stop should report.
 */
public final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Runs {@code stop} on its own thread when SIGTERM or SIGINT arrives, and from a shutdown hook
     * when the JVM exits otherwise.
     */
    public static void onTerminate(Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown-hook"));
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("Received SIG{}", signal.getName());
                    Thread t = new Thread(stop, "stop-on-SIG" + signal.getName());
                    t.start();
                });
            } catch (IllegalArgumentException e) {
                // Some platforms reserve SIGINT (e.g. -Xrs); the shutdown hook still covers it.
                LOG.debug("Cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
