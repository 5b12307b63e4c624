package io.hwaas.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: what it accepts, what it refuses and with which exit status. No Redis needed. */
class OpsTest {
    private static Command.Result ops(String... args) {
        return TestOps.run(TestOps.NO_WORKER, Map.of(), args);
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        Command.Result help = ops("--help");
        assertThat(help.exit()).as("exit status of --help: " + help.describe()).isZero();
        assertThat(help.out()).as("the commands listed").contains("status", "audit", "keys", "bench-drain",
                "bench-latency", "bench-audit-fill", "Without arguments, runs the worker");
        assertThat(ops("audit", "--help").out()).as("audit's own help, with its exit statuses").contains("--since",
                "--json", "4", "cannot rule out a loss");
    }

    @Test
    void keysPrintsOneKeyOrAllOfThem() {
        Command.Result queue = ops("keys", "queue");
        assertThat(queue.exit()).as("exit status: " + queue.describe()).isZero();
        assertThat(queue.out()).as("the queue's key alone, for scripts").isEqualTo("resque:queue:hello\n");
        assertThat(ops("keys").out()).as("all keys as name=key").contains("queue=resque:queue:hello\n",
                "deadletter=");
    }

    @Test
    void aCommandLineItDoesNotUnderstandIsAUsageErrorSayingWhatIsWrong() {
        assertUsageError(ops("stauts"), "Unmatched argument", "status");
        assertUsageError(ops(), "a command is required");
        assertUsageError(ops("keys", "nope"), "no key named 'nope'", "queue");
        assertUsageError(ops("audit", "--since", "10x"), "--since", "'10x'", "not a duration");
        assertUsageError(ops("audit", "--since", "999h"), "--since", "must be between 1s and 720h");
        assertUsageError(ops("audit", "--since"), "--since", "Missing required parameter");
        assertUsageError(ops("status", "--window", "0s"), "--window", "must be between 1s and 600s");
        assertUsageError(ops("bench-audit-fill", "--clients", "0"), "--clients must be between 1 and 1000, is 0");
        assertUsageError(ops("bench-drain", "--threads", "1,x"), "--threads", "'x'");
        assertUsageError(ops("bench-drain", "--threads", "1,65"), "--threads must be between 1 and 64, is 65");
        assertUsageError(ops("bench-latency", "--windows", "-1"), "--windows must be between 1 and 1000, is -1");
    }

    private static void assertUsageError(Command.Result result, String... says) {
        assertThat(result.exit()).as("exit status 64 (EX_USAGE): " + result.describe()).isEqualTo(64);
        assertThat(result.err()).as("what it says").contains(says);
        assertThat(result.out()).as("nothing on stdout").isEmpty();
    }

    @Test
    void aConfigurationItCannotUseIsRefusedWithStatus78() {
        Command.Result bad = TestOps.run(TestOps.NO_WORKER, Map.of("REDIS_URL", "http://redis:6379"), "keys");
        assertThat(bad.exit()).as("exit status 78 (EX_CONFIG): " + bad.describe()).isEqualTo(78);
    }

    @Test
    void aRedisThatCannotBeReachedIsStatus69() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Command.Result status = TestOps.run("redis://127.0.0.1:" + port, "status");
        assertThat(status.exit()).as("exit status 69 (EX_UNAVAILABLE): " + status.describe()).isEqualTo(69);
    }
}
