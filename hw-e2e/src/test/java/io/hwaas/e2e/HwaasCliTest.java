package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hwaas} script's argument checks and its Docker diagnostics. Every run gets a PATH
 * holding only bash and a few coreutils (plus, where a test needs it, a fake {@code docker}), so
 * nothing here can reach a real Docker daemon even if validation regressed.
 */
class HwaasCliTest {
    private static final List<String> TOOLS = List.of("bash", "env", "dirname", "basename", "cat", "od", "tr",
            "grep", "seq", "mktemp", "chmod", "sed", "awk", "sort", "head", "tail", "rm", "tee");
    private static final List<String> REQUIRED_TOOLS = List.of("bash", "dirname", "basename", "cat");
    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path temp;

    private Path bin;


    @BeforeEach
    void sandboxPath() throws IOException {
        // Outside the @TempDir, whose clean-up warns about every link to a file outside it.
        bin = Files.createTempDirectory("hwaas-cli-bin");
        for (String tool : TOOLS) {
            Path target = Repository.onPath(tool);
            if (target == null) {
                assertThat(REQUIRED_TOOLS).as("the script needs " + tool + " on this machine").doesNotContain(tool);
                continue;
            }
            Files.createSymbolicLink(bin.resolve(tool), target);
        }
    }

    @AfterEach
    void removeSandboxPath() throws IOException {
        try (var entries = Files.list(bin)) {
            for (Path entry : entries.toList()) {
                Files.delete(entry); // the link, never its target
            }
        }
        Files.delete(bin);
    }

    /** A stand-in for the Docker CLI whose every subcommand fails, recording what it was asked. */
    private Path fakeDockerWithoutDaemon() throws IOException {
        return fakeDocker("if [ \"$1\" = info ]; then echo 'Cannot connect to the Docker daemon' >&2; fi\n");
    }

    /** A stand-in for the Docker CLI with a running daemon and no Compose plugin. */
    private Path fakeDockerWithoutComposePlugin() throws IOException {
        return fakeDocker("if [ \"$1\" = info ]; then exit 0; fi\n"
                + "echo \"docker: '$1' is not a docker command.\" >&2\n");
    }

    /** A fake {@code docker} that records each call, runs {@code body}, then fails; returns the call log. */
    private Path fakeDocker(String body) throws IOException {
        Path calls = temp.resolve("docker-calls");
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!" + Repository.onPath("bash") + "\n"
                + "printf '%s\\n' \"$*\" >> '" + calls + "'\n"
                + body
                + "exit 1\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return calls;
    }

    /**
     * A fake {@code docker} with a daemon (two cores, {@code memTotal} bytes of memory) and the Compose
     * plugin, under which every command works and prints nothing but what hwaas asks of it;
     * {@code compose build} prints a classic build's steps, two of them cached.
     */
    private Path workingDocker(long memTotal) throws IOException {
        return workingDocker(memTotal, "");
    }

    /** Like {@link #workingDocker(long)}, on a daemon with {@code cores} cores. */
    private Path workingDocker(int cores, long memTotal) throws IOException {
        return workingDocker(memTotal, "  'info --format') case \"$3\" in *NCPU*) echo " + cores + " ;; *) echo "
                + memTotal + " ;; esac ;;\n");
    }

    /** Like {@link #workingDocker(long)}, with {@code cases} (bash case arms on "$1 $2") tried first. */
    private Path workingDocker(long memTotal, String cases) throws IOException {
        Path calls = temp.resolve("docker-calls");
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!" + Repository.onPath("bash") + "\n"
                + "printf '%s\\n' \"$*\" >> '" + calls + "'\n"
                + "case \"$1 $2\" in\n"
                + cases
                + "  'info --format') case \"$3\" in *NCPU*) echo 2 ;; *) echo " + memTotal + " ;; esac ;;\n"
                + "  'compose version') echo 'Docker Compose version v2.26.1' ;;\n"
                + "  'compose config') printf 'redis\\nhw-worker\\nhw-client\\n' ;;\n"
                + "  'compose build') printf 'Step 1/3 : FROM base\\n ---> abc\\nStep 2/3 : COPY pom.xml ./\\n"
                + " ---> Using cache\\nStep 3/3 : RUN mvn package\\n ---> Running in 123\\nBUILD SUCCESS\\n' ;;\n"
                + "esac\n"
                + "exit 0\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return calls;
    }

    /** hwaas's own files in a directory of the test's, so that the .env it writes stays there. */
    private Path checkout() throws IOException {
        Path checkout = temp.resolve("checkout");
        for (String file : List.of("hwaas", "docker-compose.yml", "docker-compose.ha.yml",
                "hw-common/src/main/resources/io/hwaas/common/config/variables.txt")) {
            Path copy = checkout.resolve(file);
            Files.createDirectories(copy.getParent());
            Files.copy(Repository.root().resolve(file), copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        return checkout;
    }

    private Command.Result hwaas(String... args) throws IOException, InterruptedException {
        return hwaas(Map.of(), args);
    }

    private Command.Result hwaas(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        return hwaasIn(Repository.root(), extraEnv, args);
    }

    private Command.Result hwaasIn(Path checkout, Map<String, String> extraEnv, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Repository.onPath("bash").toString());
        command.add(checkout.resolve("hwaas").toString());
        command.addAll(List.of(args));
        // A developer's own HWAAS_* or COMPOSE_* settings must not change what the script sees.
        return Command.of(command).in(temp).onlyGivenEnv().env("PATH", bin.toString()).env("HOME", temp.toString())
                .env(extraEnv).run(Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    private Command.Result assertUsageError(String what, Command.Result result, String... messages) {
        assertThat(result.exit()).as(what + ": exit status 2\n" + result.describe()).isEqualTo(2);
        assertThat(result.err()).as(what + ": stderr\n" + result.describe()).contains(messages);
        assertThat(result.out()).as(what + ": nothing on stdout\n" + result.describe()).isEmpty();
        return result;
    }

    @Test
    void noArgumentsPrintsUsage() throws Exception {
        assertUsageError("no arguments", hwaas(), "Usage:", "WORKERS CLIENTS");
    }

    @Test
    void oneArgument() throws Exception {
        assertUsageError("one argument", hwaas("3"), "expected WORKERS and CLIENTS, got 1 argument(s)", "Usage:");
    }

    @Test
    void tooManyArguments() throws Exception {
        assertUsageError("three arguments", hwaas("1", "2", "3"), "expected WORKERS and CLIENTS, got 3 argument(s)");
    }

    @Test
    void nonNumericWorkers() throws Exception {
        assertUsageError("WORKERS abc", hwaas("abc", "1"), "WORKERS must be a whole number", "'abc'");
        assertUsageError("WORKERS 1.5", hwaas("1.5", "1"), "WORKERS must be a whole number", "'1.5'");
        assertUsageError("WORKERS 0x10", hwaas("0x10", "1"), "WORKERS must be a whole number", "'0x10'");
        assertUsageError("WORKERS empty", hwaas("", "1"), "WORKERS must be a whole number", "''");
    }

    @Test
    void negativeWorkersIsAnUnknownOption() throws Exception {
        assertUsageError("WORKERS -1", hwaas("-1", "1"), "must be whole numbers", "'-1'");
        assertUsageError("CLIENTS -5", hwaas("1", "-5"), "must be whole numbers", "'-5'");
    }

    @Test
    void nonNumericClients() throws Exception {
        assertUsageError("CLIENTS abc", hwaas("1", "abc"), "CLIENTS must be a whole number", "'abc'");
    }

    @Test
    void countsAboveTheLimit() throws Exception {
        assertUsageError("WORKERS 100001", hwaas("100001", "1"), "WORKERS must be a whole number from 0 to 100000");
        assertUsageError("CLIENTS 100001", hwaas("1", "100001"), "CLIENTS must be a whole number from 0 to 100000");
    }

    @Test
    void zeroWorkersWithClientsWouldPrintNothing() throws Exception {
        Command.Result result = assertUsageError("0 workers, 5 clients", hwaas("0", "5"), "0 workers with 5 client(s)",
                "start at least one worker");
        assertThat(result.err()).as("says nothing would print").contains("nothing prints");
    }

    @Test
    void unknownOption() throws Exception {
        assertUsageError("--bogus", hwaas("--bogus", "1", "1"), "unknown option '--bogus'", "Usage:");
    }

    @Test
    void badClientsPerContainer() throws Exception {
        assertUsageError("-k 0", hwaas("-k", "0", "1", "1"), "--clients-per-container must be a whole number", "'0'");
        assertUsageError("-k x", hwaas("-k", "x", "1", "1"), "--clients-per-container must be a whole number", "'x'");
        assertUsageError("--clients-per-container=0", hwaas("--clients-per-container=0", "1", "1"),
                "--clients-per-container must be a whole number", "'0'");
        assertUsageError("-k 10001", hwaas("--clients-per-container", "10001", "1", "1"),
                "from 1 to 10000", "'10001'");
        assertUsageError("-k without a value", hwaas("-k"), "-k needs a number");
    }

    @Test
    void helpExitsZeroWithUsage() throws Exception {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help"}, {"-k", "5", "1", "1", "--help"}}) {
            Command.Result result = hwaas(args);
            String what = String.join(" ", args);
            assertThat(result.exit()).as(what + ": exit status 0\n" + result.describe()).isZero();
            assertThat(result.out()).as(what + ": usage on stdout").contains("Usage:", "WORKERS CLIENTS",
                    "--clients-per-container");
            assertThat(result.err()).as(what + ": nothing on stderr").isEmpty();
        }
    }

    @Test
    void dockerNotInstalled() throws Exception {
        assertThat(bin.resolve("docker")).as("sandbox has no docker").doesNotExist();
        Command.Result result = assertUsageError("no docker", hwaas("1", "1"), "Docker is not installed");
        assertThat(result.err()).as("points at the installation").contains("Install Docker",
                "https://docs.docker.com/get-docker/");
    }

    @Test
    void dockerDaemonNotRunning() throws Exception {
        Path calls = fakeDockerWithoutDaemon();
        Command.Result result = assertUsageError("daemon down", hwaas("1", "1"), "the Docker daemon is not running");
        assertThat(result.err()).as("says how to start it").contains("Start Docker");
        assertThat(Files.readAllLines(calls)).as("only 'docker info' was tried").containsExactly("info");
    }

    @Test
    void composeChoiceMustBeOneOfTheTwo() throws Exception {
        fakeDockerWithoutComposePlugin();
        Command.Result result = assertUsageError("HWAAS_COMPOSE=podman-compose",
                hwaas(Map.of("HWAAS_COMPOSE", "podman-compose"), "1", "1"),
                "HWAAS_COMPOSE must be 'docker compose' or 'docker-compose'", "'podman-compose'");
        assertThat(bin.resolve("docker-compose")).as("sandbox has no docker-compose").doesNotExist();
        assertThat(result.err()).as("names the variable once").containsOnlyOnce("HWAAS_COMPOSE");
    }

    @Test
    void chosenComposeMustBeInstalled() throws Exception {
        Path calls = fakeDockerWithoutComposePlugin();
        assertUsageError("HWAAS_COMPOSE=docker compose, no plugin",
                hwaas(Map.of("HWAAS_COMPOSE", "docker compose"), "1", "1"),
                "HWAAS_COMPOSE='docker compose', but the Docker Compose plugin is not installed");
        assertThat(Files.readAllLines(calls)).as("asked the daemon, then the plugin").containsExactly("info",
                "compose version");
        assertUsageError("HWAAS_COMPOSE=docker-compose, not installed",
                hwaas(Map.of("HWAAS_COMPOSE", "docker-compose"), "1", "1"),
                "HWAAS_COMPOSE='docker-compose', but docker-compose is not installed");
        assertUsageError("no Compose at all", hwaas("1", "1"),
                "neither 'docker compose' nor 'docker-compose' is available");
    }

    @Test
    void argumentsAreCheckedBeforeDocker() throws Exception {
        Path calls = fakeDockerWithoutDaemon();
        assertUsageError("bad WORKERS with docker present", hwaas("abc", "1"), "WORKERS must be a whole number");
        assertThat(calls).as("docker was never called").doesNotExist();
    }

    @Test
    void countsBeyondSixtyFourBitsAreRefused() throws Exception {
        // bash arithmetic wraps 2^63 to a negative number and 2^64 + 1 to 1; both would pass a range check.
        assertUsageError("WORKERS 2^63", hwaas("9223372036854775808", "1"), "WORKERS must be a whole number");
        assertUsageError("CLIENTS 2^64+1", hwaas("1", "18446744073709551617"), "CLIENTS must be a whole number");
        assertUsageError("-k 2^64+1", hwaas("-k", "18446744073709551617", "1", "1"),
                "--clients-per-container must be a whole number");
    }

    @Test
    void tenWorkersAndAThousandClientsArePackedToFitTheHostsCores() throws Exception {
        Path calls = workingDocker(4L << 30);
        Command.Result result = hwaasIn(checkout(), Map.of(), "-d", "10", "1000");
        assertThat(result.exit()).as("exit status\n" + result.describe()).isZero();
        // Two cores: client containers may take 10 s of CPU to start (20 of 500 ms) and 4 % of a
        // core to run (10 of 4 ms a second); memory would allow 121.
        assertThat(result.err()).as("says what it chose and why").contains(
                "Packing 100 logical clients per container (10 containers)", "this host's 2 core(s)", "take 10 at most",
                "'-k 1' forces one per container");
        assertThat(result.out()).as("the start").contains("1000 client(s) in 10 client container(s)");
        assertThat(Files.readString(calls)).as("what Compose was asked").contains("--scale hw-client=10",
                "--scale hw-client-rest=0", "--scale hw-worker=10");
    }

    @Test
    void aBiggerHostRunsMoreClientContainers() throws Exception {
        Path calls = workingDocker(16, 64L << 30);
        Command.Result result = hwaasIn(checkout(), Map.of(), "-d", "10", "1000");
        assertThat(result.exit()).as("exit status\n" + result.describe()).isZero();
        // Sixteen cores take 80 client containers: 13 clients in 76 of them, the other 12 in one more.
        assertThat(result.err()).as("says what it chose").contains("Packing 13 logical clients per container (77 containers)");
        assertThat(Files.readString(calls)).as("what Compose was asked").contains("--scale hw-client=76",
                "--scale hw-client-rest=1");
    }

    @Test
    void aSmallStackIsNotPacked() throws Exception {
        Path calls = workingDocker(4L << 30);
        Command.Result result = hwaasIn(checkout(), Map.of(), "-d", "1", "3");
        assertThat(result.exit()).as("exit status\n" + result.describe()).isZero();
        assertThat(result.err()).as("nothing to say").doesNotContain("Packing", "warning");
        assertThat(Files.readString(calls)).as("what Compose was asked").contains("--scale hw-client=3");
    }

    @Test
    void minusKOneForcesOneClientPerContainerAndSaysWhatItCosts() throws Exception {
        Path calls = workingDocker(4L << 30);
        Command.Result result = hwaasIn(checkout(), Map.of(), "-d", "-k", "1", "10", "1000");
        assertThat(result.exit()).as("exit status\n" + result.describe()).isZero();
        assertThat(result.err()).as("no packing, but what it costs").doesNotContain("Packing").contains("warning",
                "take about 10 client containers", "1000 will take about 500 s of CPU to start (250 s of every core",
                "400 % of a core to run");
        assertThat(Files.readString(calls)).as("what Compose was asked").contains("--scale hw-client=1000");
    }

    @Test
    void aMisspeltVariableIsReportedWithTheOneMeant() throws Exception {
        workingDocker(16L << 30);
        Command.Result result = hwaasIn(checkout(), Map.of("HWAAS_WORKER_THREAD", "8"), "-d", "1", "1");
        assertThat(result.exit()).as("it still starts\n" + result.describe()).isZero();
        assertThat(result.err()).as("the warning").contains(
                "HWAAS_WORKER_THREAD is not a variable HWaaS reads (did you mean HWAAS_WORKER_THREADS?)");
    }

    @Test
    void dotEnvNamesTheProjectAndTheFilesAndKeepsWhatWasThere() throws Exception {
        workingDocker(16L << 30);
        Path checkout = checkout();
        // A last line without its newline must not have the next line glued onto it.
        Files.writeString(checkout.resolve(".env"), "MY_SETTING=kept");
        Command.Result result = hwaasIn(checkout, Map.of(), "-d", "1", "1");
        assertThat(result.exit()).as("exit status\n" + result.describe()).isZero();
        List<String> lines = Files.readAllLines(checkout.resolve(".env"));
        assertThat(lines).as(".env").contains("MY_SETTING=kept", "COMPOSE_PROJECT_NAME=hwaas", "COMPOSE_FILE=docker-compose.yml")
                .anySatisfy(l -> assertThat(l).startsWith("HWAAS_REDIS_PASSWORD=").hasSize("HWAAS_REDIS_PASSWORD=".length() + 48));
        assertThat(Files.getPosixFilePermissions(checkout.resolve(".env"))).as(".env mode")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Path other = temp.resolve("other");
        Files.move(checkout, other);
        Command.Result own = hwaasIn(other, Map.of("COMPOSE_PROJECT_NAME", "mine"), "-d", "1", "1");
        assertThat(own.exit()).as("exit status\n" + own.describe()).isZero();
        assertThat(Files.readAllLines(other.resolve(".env"))).as("a project name set by the user is kept")
                .contains("COMPOSE_PROJECT_NAME=hwaas").doesNotContain("COMPOSE_PROJECT_NAME=mine");
    }

    @Test
    void theBuildShowsOneLinePerStepThatDoesWork() throws Exception {
        workingDocker(16L << 30);
        Command.Result result = hwaasIn(checkout(), Map.of(), "-d", "1", "1");
        assertThat(result.out()).as("progress").contains("  Step 1/3 : FROM base", "  Step 3/3 : RUN mvn package")
                .doesNotContain("COPY pom.xml", "BUILD SUCCESS");
    }

    @Test
    void theAuditLeavesARedisThatIsRestartingAlone() throws Exception {
        // Redis' container exists but is restarting: it is the live stack's, not one to start and remove.
        Path calls = workingDocker(16L << 30, "  'compose ps') [[ \"$*\" == *redis* ]] && echo 0123456789ab ;;\n"
                + "  'inspect -f') case \"$*\" in *Health*) echo healthy ;; *Running*) echo false ;; esac ;;\n");
        Command.Result result = hwaasIn(checkout(), Map.of(), "audit");
        assertThat(result.exit()).as("exit status\n" + result.describe()).isZero();
        String asked = Files.readString(calls);
        assertThat(asked).as("what Docker was asked").contains("compose run --rm --no-deps -T hw-worker audit")
                .doesNotContain("compose up", "compose stop", "compose rm");
    }
}
