package dev.faas.template;

import dev.faas.template.RequestReader.BadRequest;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A request's body, whole, by its framing (RFC 9112 section 6.3): Content-Length or chunked, up to max_body_size, after a
 * 100 Continue for a caller that waits for one.
 */
final class BodyReader {
    private static final int MAX_CHUNK_LINE = 4096;
    private static final byte[] EMPTY = new byte[0];

    private final RequestReader reader;
    private final ResponseWriter writer;
    private final int maxBody;

    BodyReader(RequestReader reader, ResponseWriter writer, int maxBody) {
        this.reader = reader;
        this.writer = writer;
        this.maxBody = maxBody;
    }

    byte[] read(RequestReader.Head head) throws IOException, BadRequest {
        try {
            return framed(head);
        } catch (OutOfMemoryError e) { // what was read of it is garbage again: the other calls go on
            throw new BadRequest(413, "request body is larger than the function's heap has room for");
        }
    }

    private byte[] framed(RequestReader.Head head) throws IOException, BadRequest {
        List<String> codings = head.headers().get("Transfer-Encoding");
        List<String> lengths = head.headers().get("Content-Length");
        if (codings != null) {
            if (lengths != null) {
                throw new BadRequest(400, "a request may not have both Content-Length and Transfer-Encoding");
            }
            String coding = String.join(", ", codings);
            if (!coding.strip().equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "Transfer-Encoding must be chunked (got '" + coding + "')");
            }
            continueIfExpected(head, 1);
            return chunked();
        }
        if (lengths == null) {
            return EMPTY;
        }
        long length = -1;
        for (String value : lengths) {
            for (String element : value.split(",", -1)) {
                long n = contentLength(element.strip());
                if (n < 0 || (length >= 0 && n != length)) {
                    throw new BadRequest(400, "bad or conflicting Content-Length " + lengths);
                }
                length = n;
            }
        }
        if (length > maxBody) {
            throw tooLarge();
        }
        if (length == 0) {
            return EMPTY;
        }
        continueIfExpected(head, (int) length);
        byte[] body = new byte[(int) length];
        reader.readFully(body, 0, body.length);
        return body;
    }

    /** Digits only; -1 when it is not that, Long.MAX_VALUE when it is too many of them. */
    private static long contentLength(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n > Long.MAX_VALUE / 10 - 1 ? Long.MAX_VALUE : n * 10 + (c - '0');
        }
        return n;
    }

    /** 100 Continue for a caller that waits for it, unless the body is here already. */
    private void continueIfExpected(RequestReader.Head head, int length) throws IOException {
        if (!head.http10() && reader.buffered() < length && head.hasToken("Expect", "100-continue")) {
            writer.writeContinue();
        }
    }

    /** A chunked body, decoded; chunk extensions and trailer fields are read and dropped. */
    private byte[] chunked() throws IOException, BadRequest {
        byte[] body = new byte[Math.min(maxBody, Math.max(reader.buffered(), 1024))];
        int length = 0;
        while (true) {
            if (reader.readLine(MAX_CHUNK_LINE, 400, "malformed chunk: its size line is too long") < 0) {
                throw new EOFException();
            }
            int end = reader.lineLength();
            int i = 0;
            long size = 0;
            for (int digit; i < end && (digit = Character.digit(reader.lineByte(i), 16)) >= 0; i++) {
                size = Math.min(size * 16 + digit, (long) Integer.MAX_VALUE + 1);
            }
            while (i < end && (reader.lineByte(i) == ' ' || reader.lineByte(i) == '\t')) {
                i++;
            }
            if (i == 0 || (i < end && reader.lineByte(i) != ';')) {
                throw new BadRequest(400, "malformed chunk: it must start with its size in hex");
            }
            if (size == 0) {
                break;
            }
            if (size > maxBody - length) {
                throw tooLarge();
            }
            if (length + size > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(maxBody, Math.max(length + size, 2L * body.length)));
            }
            reader.readFully(body, length, (int) size);
            length += (int) size;
            if (reader.readLine(2, 400, "malformed chunk: its data must end with CRLF") < 0
                    || reader.lineLength() != 0) {
                throw new BadRequest(400, "malformed chunk: its data must end with CRLF");
            }
        }
        int trailers = 0;
        do {
            int n = reader.readLine(RequestReader.MAX_HEAD - trailers, 431, "request trailer fields too large");
            if (n < 0) {
                throw new EOFException();
            }
            trailers += n;
        } while (reader.lineLength() != 0);
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    private BadRequest tooLarge() {
        return new BadRequest(413, "request body is larger than the function's limit (max_body_size " + maxBody
                + " bytes)");
    }
}
