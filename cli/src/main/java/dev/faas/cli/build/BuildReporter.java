package dev.faas.cli.build;

import dev.faas.cli.output.Terminal;
import java.io.PrintWriter;

/**
 * What the user sees of a build, all on stderr (stdout is the result's): the upload's progress on a terminal, each
 * step, and with --verbose every line of Docker's output.
 */
public final class BuildReporter {
    private final PrintWriter err;
    private final boolean verbose;
    private final boolean terminal;
    private long lastShown = -1;

    public BuildReporter(PrintWriter err, boolean verbose, boolean terminal) {
        this.err = err;
        this.verbose = verbose;
        this.terminal = terminal;
    }

    public static BuildReporter forStderr(PrintWriter err, boolean verbose) {
        return new BuildReporter(err, verbose, Terminal.stderrIsTerminal());
    }

    /** Rewrites one line as the bytes go, at most every 1% (and at the end): only on a terminal. */
    void uploaded(String function, long sent, long total) {
        if (!terminal) {
            return;
        }
        long percent = total == 0 ? 100 : sent * 100 / total;
        if (percent == lastShown) {
            return;
        }
        lastShown = percent;
        err.print("\r" + function + ": sending " + Terminal.bytes(sent) + " / " + Terminal.bytes(total)
                + " (" + percent + "%)");
        if (sent >= total) {
            err.println();
        }
        err.flush();
    }

    void event(String function, BuildEvent event) {
        if (event instanceof BuildEvent.Step step) {
            err.println(function + ": " + step.message());
        } else if (event instanceof BuildEvent.Log log && verbose) {
            err.println("  | " + log.line());
        } else if (event instanceof BuildEvent.Other other && verbose) {
            err.println("  (" + other.json() + ")");
        }
        err.flush();
    }
}
