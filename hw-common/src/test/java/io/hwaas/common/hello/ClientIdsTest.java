package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientIdsTest {
    private static final long START = 1_700_000_000_123L;

    @Test
    void ofJoinsPrefixBase36StartAndIndex() {
        String id = ClientIds.of("client-7f3a", START, 3);
        assertThat(id).as("id").isEqualTo("client-7f3a-" + Long.toString(START, 36) + "-3");
        assertThat(ClientIds.isValid(id)).as("usable in keys").isTrue();
        assertThat(ClientIds.startMillis(id)).as("start time recovered despite dashes in the prefix")
                .isEqualTo(START);
    }

    @Test
    void ofDiffersByStartAndIndex() {
        assertThat(ClientIds.of("h", START, 0)).as("restarted client gets a fresh id")
                .isNotEqualTo(ClientIds.of("h", START + 1, 0));
        assertThat(ClientIds.of("h", START, 0)).as("each logical client in a container has its own id")
                .isNotEqualTo(ClientIds.of("h", START, 1));
    }

    @Test
    void ofReplacesCharactersThatDoNotBelongInKeys() {
        String id = ClientIds.of("my host:1/é*", START, 0);
        assertThat(id).as("unsafe characters replaced").startsWith("my-host-1---");
        assertThat(ClientIds.isValid(id)).as("valid").isTrue();
        assertThat(ClientIds.startMillis(id)).as("start time").isEqualTo(START);
    }

    @Test
    void anIdNamesItsContainerAndIndex() {
        String id = ClientIds.of("box", START, 7);
        assertThat(ClientIds.container(id)).as("container").isEqualTo("box-" + Long.toString(START, 36));
        assertThat(ClientIds.index(id)).as("index").isEqualTo(7);
        assertThat(ClientIds.index("plain")).as("no index").isEqualTo(-1);
        assertThat(ClientIds.container("plain")).as("no container").isNull();
    }

    @Test
    void ofTruncatesLongPrefixes() {
        String id = ClientIds.of("x".repeat(300), START, 9999);
        assertThat(id).as("prefix cut to 40").startsWith("x".repeat(40) + "-");
        assertThat(id).as("nothing of the prefix beyond 40").doesNotStartWith("x".repeat(41));
        assertThat(ClientIds.isValid(id)).as("still valid").isTrue();
        assertThat(ClientIds.startMillis(id)).as("start time").isEqualTo(START);
    }

    @Test
    void ofWithEmptyPrefixIsStillValid() {
        String id = ClientIds.of("", START, 0);
        assertThat(ClientIds.isValid(id)).as("valid").isTrue();
        assertThat(ClientIds.startMillis(id)).as("start time").isEqualTo(START);
    }

    @Test
    void isValid() {
        assertThat(ClientIds.isValid("abc.DEF_0-9")).as("letters, digits, . _ -").isTrue();
        assertThat(ClientIds.isValid("a".repeat(80))).as("80 characters").isTrue();
        assertThat(ClientIds.isValid("a".repeat(81))).as("81 characters").isFalse();
        assertThat(ClientIds.isValid("")).as("empty").isFalse();
        assertThat(ClientIds.isValid("a:b")).as("colon would split client:seq").isFalse();
        assertThat(ClientIds.isValid("a b")).as("space").isFalse();
        assertThat(ClientIds.isValid("a*")).as("glob").isFalse();
        assertThat(ClientIds.isValid("é")).as("non-ASCII").isFalse();
        assertThat(ClientIds.isValid("a\n")).as("newline").isFalse();
    }

    @Test
    void startMillisOfIdsNotMadeByOf() {
        assertThat(ClientIds.startMillis("plain")).as("no dashes").isEqualTo(-1);
        assertThat(ClientIds.startMillis("a-b")).as("two parts").isEqualTo(-1);
        assertThat(ClientIds.startMillis("a-!!-0")).as("not base 36").isEqualTo(-1);
        assertThat(ClientIds.startMillis("a-ZZ-0")).as("upper-case base 36").isEqualTo(Long.parseLong("zz", 36));
    }
}
