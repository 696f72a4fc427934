package dev.faas.watchdog;

/** Placeholder until the watchdog lands. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("level=error msg=\"watchdog not implemented yet\"");
        System.exit(2);
    }
}
