package dev.faas.watchdog.exec;

import java.io.IOException;
import java.io.InputStream;

/** Where a process's stdout goes: read to its end, held ({@link OutputBuffer}) or passed on as it comes. */
public interface Stdout {
    void readFrom(InputStream in) throws IOException;
}
