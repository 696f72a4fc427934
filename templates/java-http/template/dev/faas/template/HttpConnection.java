package dev.faas.template;

import dev.faas.template.RequestReader.BadRequest;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;

/**
 * One connection from the watchdog, on its own thread: reads a request, has the handler answer it, writes the
 * response, and again while the connection is kept alive. A request it cannot read is answered 4xx and the
 * connection closed.
 */
final class HttpConnection implements Runnable {
    private final Socket socket;
    private final FunctionHandler handler;
    private final int maxBody;
    private RequestReader reader;
    private BodyReader bodies;
    private ResponseWriter writer;
    /** Whether a request is being served past its head: a failure then is worth a line in the log. */
    private boolean inCall;

    HttpConnection(Socket socket, FunctionHandler handler, int maxBody) {
        this.socket = socket;
        this.handler = handler;
        this.maxBody = maxBody;
    }

    @Override
    public void run() {
        try (socket) {
            reader = new RequestReader(socket.getInputStream());
            writer = new ResponseWriter(socket.getOutputStream());
            bodies = new BodyReader(reader, writer, maxBody);
            try {
                while (exchange()) {
                    inCall = false;
                }
                linger();
            } catch (BadRequest e) {
                writer.writeText(e.status, e.getMessage() + "\n", reader.headRequest());
                linger();
            }
        } catch (IOException e) {
            if (inCall) {
                System.err.println("msg=\"call failed\" error=\"" + e.getMessage() + "\"");
            }
        }
    }

    /** One request and its response: whether the connection stays open (not when the caller closed it). */
    private boolean exchange() throws IOException, BadRequest {
        RequestReader.Head head = reader.readHead();
        if (head == null) {
            return false;
        }
        boolean close = head.closes();
        inCall = true;
        byte[] body = bodies.read(head);
        Response response;
        try {
            response = handler.handle(new Request(head.method(), head.path(), head.query(), head.headers(), body));
            check(response);
        } catch (Exception e) {
            // The caller gets one line; the container log gets the whole story.
            e.printStackTrace();
            response = Response.text(500, "the function failed: " + e + "\n");
        }
        return writer.write(response, close, head.http10(), reader.headRequest());
    }

    /** A handler's mistakes, found before any byte of the response is written: they become its 500. */
    private static void check(Response response) {
        if (response == null) {
            throw new IllegalStateException("the handler returned no response (null)");
        }
        if (response.status() < 200 || response.status() > 999) {
            throw new IllegalStateException("the handler returned status " + response.status()
                    + ": a final status is from 200 to 999");
        }
        for (Map.Entry<String, String> field : response.headers().entrySet()) {
            String name = field.getKey();
            String value = field.getValue();
            boolean valid = !name.isEmpty();
            for (int i = 0; i < name.length() && valid; i++) {
                valid = RequestReader.isTokenChar(name.charAt(i));
            }
            for (int i = 0; i < value.length() && valid; i++) {
                char c = value.charAt(i);
                valid = (c >= ' ' || c == '\t') && c != 0x7f;
            }
            if (!valid) {
                throw new IllegalStateException("the handler returned an invalid header field: "
                        + (name + ": " + value).replaceAll("[\\x00-\\x1f\\x7f]", "?"));
            }
        }
    }

    /**
     * Before closing: our FIN first, then what the caller still sends is read and dropped for a moment, so that a
     * close with unread bytes (a reset) does not destroy the response before the caller read it.
     */
    private void linger() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(1000);
            long end = System.nanoTime() + 2_000_000_000L;
            while (reader.discard() && System.nanoTime() < end) {
                // dropped
            }
        } catch (IOException e) {
            // the time is up or the caller is gone: close
        }
    }
}
