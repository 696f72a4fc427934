package dev.faas.gateway.queue;

import java.util.List;

/** What a function answered to a queued call: the status, the headers and the body, and how long it took. */
public record Answer(int status, List<Header> headers, byte[] body, double seconds) {
    public Answer {
        headers = List.copyOf(headers);
    }

    /** No answer at all (the gateway could not be reached, or the connection broke): reported as 502. */
    public static Answer none(String why, double seconds) {
        return new Answer(502, List.of(new Header("Content-Type", "text/plain; charset=utf-8")),
                ("no answer: " + why + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), seconds);
    }
}
