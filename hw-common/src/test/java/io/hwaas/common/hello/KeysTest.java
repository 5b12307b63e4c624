package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeysTest {
    private static final Keys HELLO = new Keys("resque", "hello");

    private static List<String> ownKeys(Keys keys) {
        List<String> own = new ArrayList<>();
        own.add(keys.workers());
        own.add(keys.workerInflight("w1"));
        own.add(keys.workerStats("w1"));
        own.add(keys.clients());
        own.add(keys.deadLetter());
        own.add(keys.counters());
        own.add(keys.audit("c1", 0));
        own.add(keys.audit("c1", 7));
        return own;
    }

    /** Redis glob with '*' only, which is all auditPattern uses. */
    private static boolean globMatches(String glob, String key) {
        String regex = Pattern.quote(glob).replace("*", "\\E.*\\Q");
        return key.matches(regex);
    }

    @Test
    void jesqueKeysFollowJesquesLayout() {
        assertThat(HELLO.queue()).as("queue").isEqualTo("resque:queue:hello");
        assertThat(HELLO.queues()).as("queue set").isEqualTo("resque:queues");
        assertThat(HELLO.jesqueWorkers()).as("Jesque worker set").isEqualTo("resque:workers");
        assertThat(HELLO.inflight("w1")).as("in-flight list").isEqualTo("resque:inflight:w1:hello");
    }

    @Test
    void namespaceAndQueueAreHonoured() {
        Keys keys = new Keys("ns", "greetings");
        assertThat(keys.queue()).as("queue").isEqualTo("ns:queue:greetings");
        assertThat(keys.queues()).as("queue set").isEqualTo("ns:queues");
        assertThat(keys.deadLetter()).as("dead letters").isEqualTo("ns:hwaas:greetings:deadletter");
    }

    @Test
    void ownKeysLiveUnderHwaasAndTheQueue() {
        for (String key : ownKeys(HELLO)) {
            assertThat(key).as("own key " + key).startsWith("resque:hwaas:hello:");
        }
        assertThat(HELLO.workers()).as("live workers").isEqualTo("resque:hwaas:hello:workers");
        assertThat(HELLO.workerInflight("w1")).as("worker in-flight hash")
                .isEqualTo("resque:hwaas:hello:worker:w1:inflight");
        assertThat(HELLO.workerStats("w1")).as("worker stats").isEqualTo("resque:hwaas:hello:worker:w1:stats");
        assertThat(HELLO.clients()).as("clients").isEqualTo("resque:hwaas:hello:clients");
        assertThat(HELLO.deadLetter()).as("dead letters").isEqualTo("resque:hwaas:hello:deadletter");
        assertThat(HELLO.counters()).as("counters").isEqualTo("resque:hwaas:hello:counters");
        assertThat(HELLO.audit("c1", 7)).as("audit bitmap").isEqualTo("resque:hwaas:hello:audit:c1:7");
    }

    @Test
    void ownKeysNeverCollideWithJesqueKeys() {
        Set<String> jesque = Set.of(HELLO.queue(), HELLO.queues(), HELLO.jesqueWorkers(), HELLO.inflight("w1"));
        assertThat(ownKeys(HELLO)).as("own keys vs Jesque keys").doesNotContainAnyElementsOf(jesque);
        assertThat(HELLO.workers()).as("HWaaS' worker set is not Jesque's").isNotEqualTo(HELLO.jesqueWorkers());
    }

    @Test
    void twoQueuesNeverShareAnOwnKey() {
        List<Keys> deployments = List.of(new Keys("resque", "hello"), new Keys("resque", "hello-2"),
                new Keys("resque", "hello.2"), new Keys("resque", "audit"), new Keys("resque", "worker"),
                new Keys("other", "hello"));
        Set<String> seen = new HashSet<>();
        for (Keys keys : deployments) {
            for (String key : ownKeys(keys)) {
                assertThat(seen.add(key)).as("key " + key + " of " + keys + " is used by one deployment only")
                        .isTrue();
            }
        }
    }

    @Test
    void auditPatternMatchesOnlyThisQueuesAuditKeys() {
        Keys other = new Keys("resque", "hello-2");
        assertThat(HELLO.auditPattern()).as("pattern").isEqualTo("resque:hwaas:hello:audit:*");
        assertThat(globMatches(HELLO.auditPattern(), HELLO.audit("c1", 3))).as("own audit key").isTrue();
        for (String key : ownKeys(other)) {
            assertThat(globMatches(HELLO.auditPattern(), key)).as("other queue's " + key).isFalse();
        }
        for (String key : List.of(HELLO.workers(), HELLO.deadLetter(), HELLO.workerStats("audit"))) {
            assertThat(globMatches(HELLO.auditPattern(), key)).as("non-audit key " + key).isFalse();
        }
    }

    @Test
    void auditPrefixParsesKeysBack() {
        String key = HELLO.audit("host-kq2-0", 12);
        assertThat(key).as("starts with the prefix").startsWith(HELLO.auditPrefix());
        String rest = key.substring(HELLO.auditPrefix().length());
        assertThat(rest).as("client and block after the prefix").isEqualTo("host-kq2-0:12");
    }
}
