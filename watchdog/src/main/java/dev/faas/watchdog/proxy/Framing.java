package dev.faas.watchdog.proxy;

import dev.faas.watchdog.http.HttpSyntax;
import java.io.IOException;
import java.util.List;

/** How a message's body is delimited (RFC 9112 §6.3). */
record Framing(Kind kind, long length) {
    enum Kind { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    static final Framing NONE = new Framing(Kind.NONE, 0);
    static final Framing CHUNKED = new Framing(Kind.CHUNKED, -1);
    static final Framing UNTIL_CLOSE = new Framing(Kind.UNTIL_CLOSE, -1);

    /**
     * RFC 9112 §6.3 for a request, strictly: Transfer-Encoding must be exactly {@code chunked} (any other coding
     * or a final coding other than chunked leaves the length unknown: 400), never together with Content-Length,
     * and every Content-Length must agree.
     */
    static Framing ofRequest(HeaderFields fields, HttpInput in) throws IOException {
        List<String> codings = fields.all("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (!fields.all("Content-Length").isEmpty()) {
                throw in.failure("a request may not have both Content-Length and Transfer-Encoding");
            }
            String coding = String.join(", ", codings);
            if (!coding.strip().equalsIgnoreCase("chunked")) {
                throw in.failure("Transfer-Encoding must be exactly chunked (got '" + coding + "')");
            }
            return CHUNKED;
        }
        long length = contentLength(fields, in);
        return length < 0 ? NONE : new Framing(Kind.LENGTH, length);
    }

    static Framing ofResponse(int status, boolean headRequest, HeaderFields fields, HttpInput in) throws IOException {
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        String coding = fields.get("Transfer-Encoding");
        if (coding != null) {
            return lastCodingIsChunked(coding) ? CHUNKED : UNTIL_CLOSE;
        }
        long length = contentLength(fields, in);
        return length < 0 ? UNTIL_CLOSE : new Framing(Kind.LENGTH, length);
    }

    /** Whether the body ends by its own framing, so the connection can carry another message. */
    boolean selfDelimited() {
        return kind != Kind.UNTIL_CLOSE;
    }

    private static boolean lastCodingIsChunked(String coding) {
        int comma = coding.lastIndexOf(',');
        return coding.substring(comma + 1).trim().equalsIgnoreCase("chunked");
    }

    private static long contentLength(HeaderFields fields, HttpInput in) throws IOException {
        List<String> values = fields.all("Content-Length");
        Long length = HttpSyntax.contentLength(values);
        if (length == null) {
            throw in.failure("bad or conflicting Content-Length " + values);
        }
        return length;
    }
}
