package dev.faas.watchdog.lambda;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The function's log: its runtimes' output and Lambda's START/END/REPORT lines, on the watchdog's stdout, as they
 * would be in CloudWatch (the watchdog's own key=value events stay on stderr). Each line is one write(2), so lines of
 * several runtimes never interleave.
 */
final class FunctionLog {
    private final FileOutputStream out = new FileOutputStream(FileDescriptor.out);

    void line(String text, TailBuffer tail) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        line(bytes, 0, bytes.length, tail);
    }

    /** @param tail also given the line, or null */
    void line(byte[] b, int off, int len, TailBuffer tail) {
        byte[] whole = new byte[len + 1];
        System.arraycopy(b, off, whole, 0, len);
        whole[len] = '\n';
        synchronized (this) {
            try {
                out.write(whole);
            } catch (IOException e) {
                // stdout is gone: the log is lost, the invocation is not
            }
        }
        if (tail != null) {
            tail.line(b, off, len);
        }
    }
}
