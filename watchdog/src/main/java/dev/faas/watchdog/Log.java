package dev.faas.watchdog;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One line per event on stderr (the container log): {@code ts=... level=info msg="..." key=value}.
 * Pairs are given as alternating keys and values; values with spaces, quotes or '=' are quoted.
 */
public final class Log {
    private static final PrintStream OUT = System.err;

    private Log() {}

    public static void info(String msg, Object... pairs) {
        write("info", msg, pairs);
    }

    public static void warn(String msg, Object... pairs) {
        write("warn", msg, pairs);
    }

    public static void error(String msg, Object... pairs) {
        write("error", msg, pairs);
    }

    private static void write(String level, String msg, Object[] pairs) {
        StringBuilder line = new StringBuilder(96);
        line.append("ts=").append(Instant.now()).append(" level=").append(level).append(" msg=");
        appendValue(line, msg);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            line.append(' ').append(pairs[i]).append('=');
            appendValue(line, String.valueOf(pairs[i + 1]));
        }
        OUT.println(line);
    }

    static void appendValue(StringBuilder line, String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c < 127;
        }
        if (plain) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': line.append("\\\""); break;
                case '\\': line.append("\\\\"); break;
                case '\n': line.append("\\n"); break;
                case '\r': line.append("\\r"); break;
                case '\t': line.append("\\t"); break;
                default: line.append(c < ' ' ? '?' : c);
            }
        }
        line.append('"');
    }
}
