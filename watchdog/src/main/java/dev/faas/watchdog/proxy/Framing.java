package dev.faas.watchdog.proxy;

import java.io.IOException;

/** How a message's body is delimited (RFC 9112 §6.3). */
record Framing(Kind kind, long length) {
    enum Kind { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    static final Framing NONE = new Framing(Kind.NONE, 0);
    static final Framing CHUNKED = new Framing(Kind.CHUNKED, -1);
    static final Framing UNTIL_CLOSE = new Framing(Kind.UNTIL_CLOSE, -1);

    static Framing ofRequest(HeaderFields fields, HttpInput in) throws IOException {
        String coding = fields.get("Transfer-Encoding");
        if (coding != null) {
            if (!lastCodingIsChunked(coding) || fields.get("Content-Length") != null) {
                throw in.failure("a request body must be chunked or have one Content-Length");
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
        String value = fields.get("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(value.trim());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw in.failure("bad Content-Length '" + value + "'");
    }
}
