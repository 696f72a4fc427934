package dev.faas.watchdog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line per event on stderr (the container log), in the gateway's layout (slf4j-simple with
 * gateway/src/main/resources/simplelogger.properties): {@code 2026-12-01T10:12:00.955Z INFO watchdog - msg=... key=value}.
 * Pairs are given as alternating keys and values; values with spaces, quotes or '=' are quoted. Each line is one
 * write(2) of its own, so lines from several threads never interleave and fork mode's per-call lines cost one
 * system call each.
 */
public final class Log {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.err);
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX").withZone(ZoneId.systemDefault());
    /** The formatted second and zone of the last line: most lines of a busy second share them. */
    private static volatile Stamp last = new Stamp(-1, "", "");

    private record Stamp(long second, String text, String offset) {}

    private Log() {}

    public static void info(String msg, Object... pairs) {
        write("INFO", msg, pairs);
    }

    public static void warn(String msg, Object... pairs) {
        write("WARN", msg, pairs);
    }

    public static void error(String msg, Object... pairs) {
        write("ERROR", msg, pairs);
    }

    /** Fork mode, before a call's process starts: the classic watchdog's line. */
    public static void forking() {
        emit(start("INFO").append("event=fork msg=\"Forking fprocess.\""));
    }

    /** Fork mode, after a call's answer: the classic watchdog's line, with its figures also as keys. */
    public static void wrote(long bytes, String seconds) {
        emit(start("INFO").append("event=wrote bytes=").append(bytes).append(" duration_s=").append(seconds)
                .append(" msg=\"Wrote ").append(bytes).append(" Bytes - Duration: ").append(seconds)
                .append(" seconds\""));
    }

    private static void write(String level, String msg, Object[] pairs) {
        StringBuilder line = start(level).append("msg=");
        appendValue(line, msg);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            line.append(' ').append(pairs[i]).append('=');
            appendValue(line, String.valueOf(pairs[i + 1]));
        }
        emit(line);
    }

    private static StringBuilder start(String level) {
        long millis = System.currentTimeMillis();
        long second = Math.floorDiv(millis, 1000);
        Stamp stamp = last;
        if (stamp.second != second) {
            Instant at = Instant.ofEpochSecond(second);
            stamp = new Stamp(second, SECOND.format(at), OFFSET.format(at));
            last = stamp;
        }
        int ms = (int) Math.floorMod(millis, 1000);
        StringBuilder line = new StringBuilder(128).append(stamp.text).append('.');
        if (ms < 100) {
            line.append(ms < 10 ? "00" : "0");
        }
        return line.append(ms).append(stamp.offset).append(' ').append(level).append(" watchdog - ");
    }

    private static void emit(StringBuilder line) {
        byte[] bytes = line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        try {
            OUT.write(bytes);
        } catch (IOException e) {
            // stderr is gone: there is nowhere left to say so
        }
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
