package io.hwaas.e2e;

/** How a command the tests ran ended: its exit status and what it printed. */
record Outcome(int exit, String stdout, String stderr) {
    /** All of it, for an assertion's message. */
    String describe() {
        return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
