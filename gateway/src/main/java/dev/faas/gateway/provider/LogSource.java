package dev.faas.gateway.provider;

import java.io.IOException;
import java.time.Instant;

/** The log lines of a function's replicas, as the orchestrator keeps them. */
public interface LogSource {

    /**
     * @param tail     how many recent lines per replica, or -1 for all
     * @param since    only lines from then on, or null
     * @param instance only the replica whose id starts with this, or ""
     */
    record Query(String name, int tail, boolean follow, Instant since, String instance) {}

    /** One line: {@code {"name","namespace","instance","timestamp","text"}} in OpenFaaS's NDJSON. */
    record Line(String name, String namespace, String instance, String timestamp, String text) {}

    /**
     * What a followed stream returns about once a second while nothing new came: the caller writes a keep-alive
     * (and so finds out whether its own client is still there).
     */
    Line IDLE = new Line("", "", "", "", "");

    /** Lines as they come; closing it (from any thread) ends a followed stream. */
    interface Stream extends AutoCloseable {
        /** The next line, {@link #IDLE} while following and nothing is new, or null at the end (or once closed). */
        Line next() throws IOException;

        @Override
        void close();
    }

    /** Opens the stream: NOT_FOUND or UNAVAILABLE come from here, before the caller has sent anything. */
    Stream open(Query query) throws ManagementException;
}
