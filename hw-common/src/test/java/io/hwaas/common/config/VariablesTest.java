package io.hwaas.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VariablesTest {

    @Test
    void aTypoIsReportedWithTheVariableMeant() {
        assertThat(Variables.unknown(Map.of("HWAAS_WORKER_THREAD", "8", "HWAAS_QUEUE", "hello", "PATH", "/bin")))
                .as("unknown variables and the closest known").containsExactly(Map.entry("HWAAS_WORKER_THREAD",
                        "HWAAS_WORKER_THREADS"));
    }

    @Test
    void eachWarningNamesTheVariableAndTheOneMeant() {
        assertThat(Variables.warnings(Map.of("HWAAS_WORKER_THREAD", "8", "HWAAS_SOMETHING_ELSE_ENTIRELY", "1",
                "HWAAS_QUEUE", "hello"))).as("the warnings, in name order").containsExactly(
                        "HWAAS_SOMETHING_ELSE_ENTIRELY is not a variable HWaaS reads; it has no effect",
                        "HWAAS_WORKER_THREAD is not a variable HWaaS reads (did you mean HWAAS_WORKER_THREADS?);"
                                + " it has no effect");
    }

    @Test
    void aNameCloseToNothingGetsNoSuggestion() {
        assertThat(Variables.unknown(Map.of("HWAAS_SOMETHING_ELSE_ENTIRELY", "1")))
                .as("no suggestion").containsEntry("HWAAS_SOMETHING_ELSE_ENTIRELY", null);
    }

    @Test
    void everyKnownVariableIsKnown() {
        Map<String, String> all = new java.util.HashMap<>();
        Variables.known().keySet().forEach(name -> all.put(name, "x"));
        assertThat(Variables.unknown(all)).as("unknown among the known").isEmpty();
        assertThat(Variables.known()).as("the list").containsKeys("REDIS_URL", "HWAAS_WORKER_THREADS",
                "HWAAS_CLIENT_LEDGER_DIR", "HWAAS_REDIS_SENTINELS", "HWAAS_COMPOSE");
        assertThat(Variables.known().values()).as("who reads them")
                .containsOnly("services", "worker", "client", "hwaas", "swarm");
    }
}
