package dev.faas.cli.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Whether stderr is a terminal: progress lines that rewrite themselves only make sense there. */
public final class Terminal {
    private Terminal() {
    }

    public static boolean stderrIsTerminal() {
        // The JDK can only tell whether stdin and stdout both are (System.console()); on Linux /proc says it for fd 2.
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.exists(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        return System.console() != null;
    }

    /** 1536 → "1.5 KB": sizes in progress lines and messages. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }
}
