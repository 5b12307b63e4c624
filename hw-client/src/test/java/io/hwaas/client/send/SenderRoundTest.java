package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.time.ServiceClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the sender shares a round among the logical clients of a packed container. */
class SenderRoundTest {

    private static List<Outbox> holding(int clients, int each) {
        List<Outbox> outboxes = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Outbox outbox = new Outbox("c-" + i, 1_000_000, new HelloWriter(new Keys("resque", "hello"), "c-" + i,
                    Duration.ofHours(24), ServiceClock.system()), null);
            for (int h = 0; h < each; h++) {
                outbox.add();
            }
            outboxes.add(outbox);
        }
        return outboxes;
    }

    @Test
    void afterAnOutageEveryClientIsCaughtUpInTurn() {
        // Twenty clients holding 300 each, rounds of 1000 at 100 per client: half the clients per round.
        List<Outbox> outboxes = holding(20, 300);
        int cursor = 0;
        List<List<String>> rounds = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            List<Outbox> sources = new ArrayList<>();
            List<long[]> batches = new ArrayList<>();
            cursor = Sender.pick(outboxes, cursor, 100, 1000, sources, batches);
            rounds.add(sources.stream().map(Outbox::client).toList());
            for (int i = 0; i < sources.size(); i++) {
                sources.get(i).confirm(batches.get(i)[0], batches.get(i)[1]);
            }
        }
        assertThat(rounds.get(0)).as("first round").containsExactly("c-0", "c-1", "c-2", "c-3", "c-4", "c-5", "c-6",
                "c-7", "c-8", "c-9");
        assertThat(rounds.get(1)).as("second round: the other half").containsExactly("c-10", "c-11", "c-12", "c-13",
                "c-14", "c-15", "c-16", "c-17", "c-18", "c-19");
        assertThat(outboxes).as("after six rounds of 1000, all 6000 sent")
                .allSatisfy(o -> assertThat(o.size()).as(o.client() + " holds").isZero());
    }

    @Test
    void aRoundThatFillsUpHandsTheNextOneToTheClientsItMissed() {
        List<Outbox> outboxes = holding(4, 500);
        List<Outbox> sources = new ArrayList<>();
        List<long[]> batches = new ArrayList<>();
        int cursor = Sender.pick(outboxes, 0, 100, 200, sources, batches);
        assertThat(sources).as("first round").extracting(Outbox::client).containsExactly("c-0", "c-1");
        sources.clear();
        batches.clear();
        Sender.pick(outboxes, cursor, 100, 200, sources, batches);
        assertThat(sources).as("second round starts after the last client served")
                .extracting(Outbox::client).containsExactly("c-2", "c-3");
    }

    @Test
    void theRoundsCapIsNeverExceeded() {
        List<Outbox> outboxes = holding(3, 80);
        List<Outbox> sources = new ArrayList<>();
        List<long[]> batches = new ArrayList<>();
        Sender.pick(outboxes, 1, 100, 150, sources, batches);
        assertThat(batches.stream().mapToLong(b -> b[1]).sum()).as("hellos in the round").isEqualTo(150);
        assertThat(sources).as("clients in the round").extracting(Outbox::client).containsExactly("c-1", "c-2");
    }
}
