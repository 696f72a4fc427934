package dev.faas.cli.build;

/** One line of the builder's NDJSON answer. A stream ends with exactly one {@link Done} or {@link Failed}. */
public sealed interface BuildEvent {

    /** A stage of the build: unpacking, building, deploying... */
    record Step(String message) implements BuildEvent {}

    /** A line of Docker's build output. */
    record Log(String line) implements BuildEvent {}

    /** The build (and, unless asked not to, the deploy) succeeded; {@code built} is false when nothing changed. */
    record Done(String function, String image, boolean built, String action, double seconds) implements BuildEvent {}

    /** The build failed: the status it would have had, the gateway's words, and the end of Docker's output. */
    record Failed(int status, String error, String logTail) implements BuildEvent {}

    /** An event this CLI does not know (from a newer gateway): shown with --verbose, otherwise skipped. */
    record Other(String event, String json) implements BuildEvent {}
}
