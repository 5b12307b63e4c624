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
import java.util.concurrent.TimeUnit;
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
            "grep", "seq", "mktemp", "chmod", "sed", "awk", "sort", "head", "tail", "rm", "tee", "cksum", "cut", "git");
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
        return checkout(temp.resolve("checkout"));
    }

    private Path checkout(Path checkout) throws IOException {
        for (String file : List.of("hwaas", "docker-compose.yml", "docker-compose.ha.yml", "pom.xml")) {
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
        return run(temp, checkout.resolve("hwaas").toString(), extraEnv, args);
    }

    /** {@code bash SCRIPT ARGS} in {@code dir}: SCRIPT as a user would type it, relative or not. */
    private Command.Result run(Path dir, String script, Map<String, String> extraEnv, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Repository.onPath("bash").toString());
        command.add(script);
        command.addAll(List.of(args));
        // A developer's own HWAAS_* or COMPOSE_* settings must not change what the script sees.
        return Command.of(command).in(dir).onlyGivenEnv().env("PATH", bin.toString()).env("HOME", temp.toString())
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
                "HWAAS_COMPOSE='docker compose', but it is not installed");
        assertThat(Files.readAllLines(calls)).as("asked the daemon, then the plugin").containsExactly("info",
                "compose version");
        assertUsageError("HWAAS_COMPOSE=docker-compose, not installed",
                hwaas(Map.of("HWAAS_COMPOSE", "docker-compose"), "1", "1"),
                "HWAAS_COMPOSE='docker-compose', but it is not installed");
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
    void variablesAreJudgedByTheWorkerImageAndItsWarningsRelayed() throws Exception {
        // The product's own check (hw-worker variables, tested for real in CheckoutsIT): hwaas
        // hands it the names, never the values, and relays what it prints.
        Path names = temp.resolve("names");
        Path calls = workingDocker(16L << 30, "  'run --rm') cat \"$6\" > '" + names + "';"
                + " echo 'HWAAS_WORKER_THREAD is not a variable HWaaS reads (did you mean HWAAS_WORKER_THREADS?); it has no effect' ;;\n");
        Command.Result result = hwaasIn(checkout(), Map.of("HWAAS_WORKER_THREAD", "8"), "-d", "1", "1");
        assertThat(result.exit()).as("it still starts\n" + result.describe()).isZero();
        assertThat(Files.readString(calls)).as("what Docker was asked").containsPattern(
                "run --rm --network none --env-file \\S+ hwaas-worker:latest variables");
        assertThat(Files.readAllLines(names)).as("the names handed over, values empty")
                .contains("HWAAS_WORKER_THREAD=", "HWAAS_REDIS_PASSWORD=").allMatch(l -> l.endsWith("="));
        assertThat(result.err()).as("the warning").contains("hwaas: warning: HWAAS_WORKER_THREAD is not a variable"
                + " HWaaS reads (did you mean HWAAS_WORKER_THREADS?)");
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
        assertThat(lines).as(".env").contains("MY_SETTING=kept", "COMPOSE_FILE=docker-compose.yml")
                .anySatisfy(l -> assertThat(l).matches("COMPOSE_PROJECT_NAME=checkout-[0-9a-f]{8}"))
                .anySatisfy(l -> assertThat(l).startsWith("HWAAS_REDIS_PASSWORD=").hasSize("HWAAS_REDIS_PASSWORD=".length() + 48));
        assertThat(Files.getPosixFilePermissions(checkout.resolve(".env"))).as(".env mode")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Path other = temp.resolve("other");
        Files.move(checkout, other);
        Command.Result own = hwaasIn(other, Map.of("COMPOSE_PROJECT_NAME", "mine"), "-d", "1", "1");
        assertThat(own.exit()).as("exit status\n" + own.describe()).isZero();
        assertThat(Files.readAllLines(other.resolve(".env"))).as("the name in .env is kept, and one set by the user is not written")
                .containsAll(lines.stream().filter(l -> l.startsWith("COMPOSE_PROJECT_NAME=")).toList())
                .doesNotContain("COMPOSE_PROJECT_NAME=mine");
    }

    @Test
    void twoCheckoutsInDirectoriesOfTheSameNameGetTwoProjects() throws Exception {
        workingDocker(16L << 30);
        List<String> names = new ArrayList<>();
        for (String parent : List.of("a", "b")) {
            Path checkout = checkout(temp.resolve(parent).resolve("hwaas"));
            Command.Result result = hwaasIn(checkout, Map.of(), "-d", "1", "1");
            assertThat(result.exit()).as("exit status in " + parent + "\n" + result.describe()).isZero();
            names.add(Files.readAllLines(checkout.resolve(".env")).stream().filter(l -> l.startsWith("COMPOSE_PROJECT_NAME="))
                    .findFirst().orElseThrow());
        }
        assertThat(names).as("the project names of a/hwaas and b/hwaas").doesNotHaveDuplicates()
                .allMatch(n -> n.matches("COMPOSE_PROJECT_NAME=hwaas-[0-9a-f]{8}"));
    }

    @Test
    void aProjectAnotherCheckoutStartedIsNeverTouched() throws Exception {
        // Its containers carry the other checkout's directory (a copied .env, a name set by hand).
        Path calls = workingDocker(16L << 30, "  'ps -a') echo /home/me/other/hwaas ;;\n");
        Path checkout = checkout();
        Files.writeString(checkout.resolve(".env"), "COMPOSE_PROJECT_NAME=shared\nHWAAS_REDIS_PASSWORD=x\n");
        for (String[] args : new String[][] {{"down"}, {"-d", "1", "1"}, {"status"}, {"audit"}, {"logs"}}) {
            Command.Result result = hwaasIn(checkout, Map.of(), args);
            String what = String.join(" ", args);
            assertThat(result.exit()).as(what + ": refused\n" + result.describe()).isEqualTo(2);
            assertThat(result.err()).as(what + ": says whose it is").contains("the Compose project 'shared' was started"
                    + " from the checkout in /home/me/other/hwaas", "COMPOSE_PROJECT_NAME");
        }
        assertThat(Files.readString(calls)).as("nothing was asked of Compose but its version")
                .doesNotContain("compose up", "compose stop", "compose down", "compose run", "compose build", "compose logs");
    }

    @Test
    void statusWithoutAStackWritesNothingAndExitsThree() throws Exception {
        workingDocker(16L << 30);
        Path checkout = checkout();
        for (String command : List.of("status", "logs")) {
            Command.Result result = hwaasIn(checkout, Map.of(), command);
            assertThat(result.exit()).as(command + " where nothing ever ran: exit 3\n" + result.describe()).isEqualTo(3);
            assertThat(result.err()).as(command + ": the message").contains("no stack of this checkout is running");
            assertThat(checkout.resolve(".env")).as(command + " wrote no .env").doesNotExist();
        }
        Files.writeString(checkout.resolve(".env"), "HWAAS_REDIS_PASSWORD=x\n");
        Command.Result stopped = hwaasIn(checkout, Map.of(), "status");
        assertThat(stopped.exit()).as("status with .env but no Redis: exit 3\n" + stopped.describe()).isEqualTo(3);
        assertThat(Files.readString(checkout.resolve(".env"))).as(".env untouched").isEqualTo("HWAAS_REDIS_PASSWORD=x\n");
        Command.Result down = hwaasIn(checkout(temp.resolve("fresh")), Map.of(), "down");
        assertThat(down.exit()).as("down where nothing ever ran\n" + down.describe()).isZero();
        assertThat(down.out()).as("down says so").contains("Nothing to stop");
    }

    @Test
    void helpAndMessagesNameTheCommandAsTyped() throws Exception {
        Path checkout = checkout();
        Command.Result typed = run(checkout, "./hwaas", Map.of(), "1");
        assertThat(typed.err()).as("as typed: ./hwaas\n" + typed.describe())
                .startsWith("./hwaas: expected WORKERS and CLIENTS").contains("Usage: ./hwaas [options] WORKERS CLIENTS");
        Command.Result help = run(checkout, "./hwaas", Map.of(), "--help");
        assertThat(help.out()).as("help").contains("./hwaas bench [--quick] [--ha]", "./hwaas images push",
                "./hwaas swarm status|audit", "3 no stack of this checkout is running");
    }

    @Test
    void monitoringPortsInUseAreRefusedWhenGivenAndMovedOnOtherwise() throws Exception {
        workingDocker(16L << 30);
        // A backlog of 50: hwaas connects to see whether the port is taken, and nothing accepts here.
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            Map<String, String> noGrafana = Map.of("HWAAS_GRAFANA", "off");
            Path checkout = checkout();
            Files.writeString(checkout.resolve(".env"), "HWAAS_REDIS_PASSWORD=x\nHWAAS_GRAFANA_PASSWORD=y\n");
            Command.Result given = hwaasIn(checkout, Map.of("HWAAS_GRAFANA", "off", "HWAAS_PROMETHEUS_PORT", port), "-d", "-m", "1", "1");
            assertUsageError("a port given and taken", given, "port " + port + " (HWAAS_PROMETHEUS_PORT, for prometheus)"
                    + " is already in use", "set HWAAS_PROMETHEUS_PORT to a free port");
            assertUsageError("a port that is no port", hwaasIn(checkout, Map.of("HWAAS_PROMETHEUS_PORT", "90x"), "-d", "-m", "1", "1"),
                    "HWAAS_PROMETHEUS_PORT must be a port number from 1024 to 65535, not '90x'");

            // Kept in .env from an earlier run, and taken since: the next free one is chosen and kept.
            Files.writeString(checkout.resolve(".env"), "HWAAS_PROMETHEUS_PORT=" + port + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            Command.Result moved = hwaasIn(checkout, noGrafana, "-d", "-m", "1", "1");
            assertThat(moved.exit()).as("exit status\n" + moved.describe()).isZero();
            String chosen = Files.readAllLines(checkout.resolve(".env")).stream().filter(l -> l.startsWith("HWAAS_PROMETHEUS_PORT="))
                    .findFirst().orElseThrow().substring("HWAAS_PROMETHEUS_PORT=".length());
            assertThat(Integer.parseInt(chosen)).as("the port chosen").isGreaterThan(taken.getLocalPort());
            assertThat(moved.out()).as("says where Prometheus is").contains("Prometheus http://localhost:" + chosen);
        }
    }

    @Test
    void imagesArePushedUnderTheVersionWithLabelsFromTheCommitAndNoCredentials() throws Exception {
        Path calls = workingDocker(16L << 30);
        Path checkout = checkout();
        String version = new String(Files.readAllBytes(checkout.resolve("pom.xml")), StandardCharsets.UTF_8)
                .replaceFirst("(?s).*?\n  <version>([^<]+)</version>.*", "$1");
        git(checkout, "init", "-q");
        git(checkout, "add", ".");
        git(checkout, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "x");
        git(checkout, "remote", "add", "origin", "https://someone:s3cret@git.example.invalid/hwaas.git");
        String revision = git(checkout, "rev-parse", "HEAD");

        assertUsageError("no registry", hwaasIn(checkout, Map.of(), "images", "push"), "set HWAAS_IMAGE_REGISTRY");
        assertUsageError("images alone", hwaasIn(checkout, Map.of(), "images"), "expected 'images push'", "Usage:");
        assertUsageError("a registry that is none", hwaasIn(checkout, Map.of("HWAAS_IMAGE_REGISTRY", "http://x/"), "images", "push"),
                "HWAAS_IMAGE_REGISTRY must be a registry's host[:port][/path]", "'http://x/'");
        assertUsageError("a tag that is none", hwaasIn(checkout, Map.of("HWAAS_IMAGE_REGISTRY", "r:5000", "HWAAS_IMAGE_TAG", "a b"),
                "images", "push"), "HWAAS_IMAGE_TAG must be a Docker tag", "'a b'");

        Command.Result push = hwaasIn(checkout, Map.of("HWAAS_IMAGE_REGISTRY", "127.0.0.1:5999"), "images", "push");
        assertThat(push.exit()).as("exit status\n" + push.describe()).isZero();
        String asked = Files.readString(calls);
        assertThat(asked).as("the build's labels and the pushes").contains(
                "--build-arg HWAAS_VERSION=" + version + " --build-arg HWAAS_REVISION=" + revision + " ",
                "--build-arg HWAAS_SOURCE=https://git.example.invalid/hwaas.git",
                "push 127.0.0.1:5999/hwaas-worker:" + version, "push 127.0.0.1:5999/hwaas-client:" + version)
                .containsPattern("--build-arg HWAAS_CREATED=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ")
                .doesNotContain("s3cret");

        Files.writeString(checkout.resolve("hwaas"), "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Files.delete(calls);
        assertThat(hwaasIn(checkout, Map.of("HWAAS_IMAGE_REGISTRY", "127.0.0.1:5999"), "images", "push").exit()).as("push").isZero();
        assertThat(Files.readString(calls)).as("a change not committed").contains("HWAAS_REVISION=" + revision + "-dirty ");
        Files.delete(calls);
        Command.Result up = hwaasIn(checkout, Map.of("HWAAS_IMAGE_REGISTRY", "127.0.0.1:5999/"), "-d", "1", "1");
        assertThat(up.exit()).as("exit status\n" + up.describe()).isZero();
        assertThat(Files.readString(calls)).as("a stack from the registry: pulled, not built")
                .contains("compose pull hw-worker hw-client", "127.0.0.1:5999/hwaas-worker:" + version + " variables")
                .doesNotContain("compose build");
    }

    private String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0).as("git " + command + ": " + out).isTrue();
        return out;
    }

    @Test
    void swarmStatusRunsTheWorkersImageWithTheirSettingsAndThePasswordOutOfItsArguments() throws Exception {
        assertUsageError("swarm alone", hwaas("swarm"), "expected 'swarm status' or 'swarm audit'", "Usage:");
        assertUsageError("swarm deploy", hwaas("swarm", "deploy", "3", "10"), "the rest is plain docker stack");

        fakeDocker("if [ \"$1 $2\" = 'service inspect' ]; then echo 'Error response from daemon: This node is not a swarm"
                + " manager.' >&2; fi\n");
        assertUsageError("on a worker node", hwaas(Map.of("HWAAS_REDIS_PASSWORD", "pw"), "swarm", "status"),
                "no service hwaas_hw-worker", "must be a manager of the swarm", "This node is not a swarm manager");

        Path calls = workingDocker(16L << 30, "  'service inspect') case \"$*\" in *Image*) echo reg/hwaas-worker:1.0@sha256:ab ;;"
                + " *Env*) printf 'REDIS_URL=redis://redis:6379/1\\nHWAAS_NAMESPACE=other\\nHWAAS_LOG_LEVEL=\\n"
                + "HWAAS_REDIS_PASSWORD_FILE=/run/secrets/redis_password\\n' ;; esac ;;\n");
        assertUsageError("no password", hwaas(Map.of("HWAAS_STACK", "s1"), "swarm", "status"), "the secret s1_redis_password",
                "set HWAAS_REDIS_PASSWORD_FILE");
        Path password = temp.resolve("password");
        Files.writeString(password, "pw-from-file");
        Command.Result status = hwaas(Map.of("HWAAS_STACK", "s1", "HWAAS_REDIS_PASSWORD_FILE", password.toString()), "swarm", "status", "--x");
        assertThat(status.exit()).as("exit status\n" + status.describe()).isZero();
        assertThat(Files.readString(calls)).as("the one-off container").contains("run --rm --network s1_workers --read-only",
                "-e REDIS_URL=redis://redis:6379/1 -e HWAAS_NAMESPACE=other -e HWAAS_REDIS_PASSWORD -e HWAAS_METRICS_PORT=0"
                        + " reg/hwaas-worker:1.0@sha256:ab status --x")
                .doesNotContain("pw-from-file", "HWAAS_LOG_LEVEL", "/run/secrets");
    }

    @Test
    void theScriptNeedsNothingBeyondTheBash32OfAMac() throws Exception {
        // Its code, not its comments (which name what it avoids).
        String script = String.join("\n", Files.readAllLines(Repository.root().resolve("hwaas")).stream()
                .filter(l -> !l.strip().startsWith("#")).toList());
        for (String bash4 : List.of("mapfile", "readarray", "declare -A", "local -A", "local -n", "declare -n", "coproc",
                "wait -n", "[[ -v", ",,}", "^^}", "|&", ";;&")) {
            assertThat(script).as("hwaas uses " + bash4 + ", which bash 3.2 lacks").doesNotContain(bash4);
        }
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
