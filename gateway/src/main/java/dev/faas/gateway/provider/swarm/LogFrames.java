package dev.faas.gateway.provider.swarm;

import dev.faas.gateway.provider.LogSource.Line;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads Docker's service log stream ({@code timestamps=1&details=1}, no TTY): frames of an 8-byte header (stream,
 * 0, 0, 0, length as 4 bytes big-endian) and a payload {@code <RFC 3339 time> <k=v,k=v details> <text>\n}, where the
 * details carry {@code com.docker.swarm.task.id}, the replica a line came from.
 */
final class LogFrames {
    private static final String TASK = "com.docker.swarm.task.id=";

    private final DataInputStream in;
    private final String function;

    LogFrames(InputStream in, String function) {
        this.in = new DataInputStream(in);
        this.function = function;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        byte[] header = new byte[8];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        return parse(function, new String(payload, StandardCharsets.UTF_8));
    }

    static Line parse(String function, String payload) {
        String text = payload.endsWith("\n") ? payload.substring(0, payload.length() - 1) : payload;
        int first = text.indexOf(' ');
        String timestamp = first < 0 ? "" : text.substring(0, first);
        String rest = first < 0 ? text : text.substring(first + 1);
        String instance = "";
        int second = rest.indexOf(' ');
        String details = second < 0 ? rest : rest.substring(0, second);
        if (details.contains(TASK) || details.startsWith("com.docker.")) {
            for (String pair : details.split(",")) {
                if (pair.startsWith(TASK)) {
                    instance = pair.substring(TASK.length());
                }
            }
            rest = second < 0 ? "" : rest.substring(second + 1);
        }
        return new Line(function, "", instance, timestamp, rest);
    }
}
