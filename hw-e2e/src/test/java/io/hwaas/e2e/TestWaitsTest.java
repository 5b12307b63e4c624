package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Tests wait for a condition, through Awaitility: a sleep is a guess at how long something takes,
 * too short on a loaded machine and too long everywhere else. A sleep in test sources is refused
 * unless the allow-list below names its file, with how many it may hold and why.
 */
class TestWaitsTest {
    /** Fixed durations that are the point of the test, not waits for something to happen. */
    static final Map<String, Integer> ALLOWED = Map.of(
            // A client in another JVM makes hellos while Redis is frozen; nothing to poll from here.
            "hw-client/src/test/java/io/hwaas/client/LedgerIT.java", 1,
            // An idle worker's Redis commands over a fixed 10 s: a rate, and polling Redis would add to it.
            "hw-worker/src/test/java/io/hwaas/worker/ConsumeIT.java", 1,
            // The chaos is a timeline: each event at a fixed second from the start (sleepUntil).
            "hw-e2e/src/test/java/io/hwaas/e2e/ChaosIT.java", 1,
            // The partition lasts 20 s, whatever happens meanwhile.
            "hw-e2e/src/test/java/io/hwaas/e2e/FailoverIT.java", 1,
            // The managed Redis' DNS name lags its failover by seconds, as a provider's does.
            "hw-e2e/src/test/java/io/hwaas/e2e/ManagedRedisIT.java", 1,
            // Load phases of fixed length between the upgrade's steps: hellos made under each release.
            "hw-e2e/src/test/java/io/hwaas/e2e/UpgradeIT.java", 3);

    /** {@code Thread.sleep(}, {@code TimeUnit.SECONDS.sleep(}, a static-imported {@code sleep(}, {@code LockSupport.park*(}. */
    private static final Pattern SLEEP = Pattern.compile("\\bsleep\\s*\\(|\\bpark(?:Nanos|Until)?\\s*\\(");
    /** Comments and string or character literals, which may mention a sleep without sleeping. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'", Pattern.DOTALL);

    /** What breaks the rule in {@code sources} (path to text), one line per file. */
    static List<String> violations(Map<String, String> sources, Map<String, Integer> allowed) {
        List<String> found = new ArrayList<>();
        sources.forEach((path, text) -> {
            int sleeps = count(text);
            int limit = allowed.getOrDefault(path, 0);
            if (sleeps > limit) {
                found.add(path + ": " + sleeps + " sleep(s), " + limit + " allowed; wait for a condition with"
                        + " Awaitility, or allow-list a fixed duration that is the point of the test, saying why");
            }
        });
        allowed.forEach((path, limit) -> {
            int sleeps = sources.containsKey(path) ? count(sources.get(path)) : 0;
            if (sleeps < limit) {
                found.add(path + ": allowed " + limit + " sleep(s) but holds " + sleeps + "; shorten the allow-list");
            }
        });
        return found;
    }

    private static int count(String source) {
        Matcher m = SLEEP.matcher(NOT_CODE.matcher(source).replaceAll(" "));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Every Java file under a module's src/test, by path from the repository root. */
    private static Map<String, String> testSources() throws IOException {
        Path root = Repository.root();
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path test : modules.map(m -> m.resolve("src/test")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(test)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        sources.put(root.relativize(file).toString(), Files.readString(file));
                    }
                }
            }
        }
        return sources;
    }

    @Test
    void testSourcesSleepOnlyWhereTheAllowListSaysWhy() throws Exception {
        Map<String, String> sources = testSources();
        assertThat(sources).as("test sources found").hasSizeGreaterThan(50);
        assertThat(violations(sources, ALLOWED)).as("sleeps in test sources").isEmpty();
    }

    @Test
    void anUnlistedSleepIsRefusedNamingItsFile() {
        String sleeps = "class WaitIT {\n  void t() throws Exception {\n    Thread." + "sleep(500);\n  }\n}\n";
        assertThat(violations(Map.of("hw-x/src/test/java/WaitIT.java", sleeps), Map.of())).as("an unlisted sleep")
                .singleElement().asString().contains("hw-x/src/test/java/WaitIT.java", "1 sleep(s), 0 allowed");
    }

    @Test
    void oneSleepMoreThanAnEntryAllowsIsRefused() {
        String path = "hw-worker/src/test/java/io/hwaas/worker/ConsumeIT.java";
        String two = "void a() { Thread." + "sleep(10_000); }\nvoid b() { TimeUnit.SECONDS." + "sleep(1); }\n";
        assertThat(violations(Map.of(path, two), Map.of(path, 1))).as("two sleeps where one is allowed")
                .singleElement().asString().contains(path, "2 sleep(s), 1 allowed");
    }

    @Test
    void everyWayOfSleepingCountsButCommentsAndStringsDoNot() {
        String code = "import static java.lang.Thread." + "sleep;\nvoid a() { sl" + "eep(5); LockSupport.park"
                + "Nanos(5); TimeUnit.MILLISECONDS." + "sleep(5); }\n";
        assertThat(violations(Map.of("A.java", code), Map.of())).as("a static-imported sleep, parkNanos, TimeUnit")
                .singleElement().asString().contains("3 sleep(s)");
        String prose = "// no Thread." + "sleep(1) here\n/* nor Thread." + "sleep(2) */\nString s = \"Thread."
                + "sleep(3)\";\nvoid sleepUntil(long t) { }\n";
        assertThat(violations(Map.of("B.java", prose), Map.of())).as("comments, strings, sleepUntil").isEmpty();
    }

    @Test
    void anAllowListEntryNoLongerNeededIsReported() {
        assertThat(violations(Map.of("C.java", "class C { }"), Map.of("C.java", 1))).as("a stale entry")
                .singleElement().asString().contains("C.java", "allowed 1 sleep(s) but holds 0");
    }
}
