package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One connection of a runtime to the Runtime API (2018-06-01), requests answered one after another:
 * <pre>
 *   GET  /2018-06-01/runtime/invocation/next            200 + the event, when one is queued (long poll)
 *   POST /2018-06-01/runtime/invocation/{id}/response   202 {"status":"OK"}; 413 over max_body_size
 *   POST /2018-06-01/runtime/invocation/{id}/error      202 {"status":"OK"}
 *   POST /2018-06-01/runtime/init/error                 202 {"status":"OK"}, then the runtime is restarted
 *   an id that is not the runtime's current invocation  400 {"errorMessage":...,"errorType":"InvalidRequestID"}
 *   anything else                                       404
 * </pre>
 */
final class RuntimeApiConnection implements Runnable {
    private static final String NEXT = "/2018-06-01/runtime/invocation/next";
    private static final String INVOCATION = "/2018-06-01/runtime/invocation/";
    private static final String INIT_ERROR = "/2018-06-01/runtime/init/error";
    private static final byte[] OK = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);

    private final ApiSocket socket;
    private final RuntimeSlot slot;
    private final long generation;
    private final Dispatcher dispatcher;
    private final Runtimes runtimes;
    private final long maxBody;
    private final String functionArn;

    RuntimeApiConnection(ApiSocket socket, RuntimeSlot slot, long generation, Dispatcher dispatcher,
                         Runtimes runtimes, long maxBody, String functionArn) {
        this.socket = socket;
        this.slot = slot;
        this.generation = generation;
        this.dispatcher = dispatcher;
        this.runtimes = runtimes;
        this.maxBody = maxBody;
        this.functionArn = functionArn;
    }

    @Override
    public void run() {
        try (ApiSocket s = socket) {
            OutputStream out = s.out;
            while (true) {
                ApiRequest req;
                try {
                    req = ApiRequest.read(s.in, out, maxBody);
                } catch (ApiRequest.Malformed e) {
                    write(out, 400, List.of(), Json.error("InvalidRequest", e.getMessage()), true);
                    out.flush();
                    return;
                }
                if (req == null) {
                    return;
                }
                boolean open = serve(req, out) && !req.close();
                out.flush();
                if (!open) {
                    return;
                }
            }
        } catch (IOException e) {
            // the runtime went away (or was killed); its invocation, if any, ends with its exit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // An Error (OutOfMemoryError) ends this connection only; the runtime connects again.
            Log.warn("a Runtime API connection failed", "runtime", slot.index, "error", String.valueOf(e));
        }
    }

    /** @return whether the connection stays open */
    private boolean serve(ApiRequest req, OutputStream out) throws IOException, InterruptedException {
        String path = req.path();
        boolean post = req.method().equals("POST");
        if (path.equals(NEXT) && req.method().equals("GET")) {
            return next(out, req.close());
        }
        if (path.equals(INIT_ERROR) && post) {
            InitFailure failure = InitFailure.posted(req.body(), req.header("lambda-runtime-function-error-type"));
            RuntimeRun run = runtimes.initError(slot, generation, failure);
            write(out, 202, List.of(), OK, true);
            out.flush();
            if (run != null) {
                Log.warn("the Lambda runtime reported an init error; restarting it", "runtime", slot.index,
                        "error_type", failure.errorType(), "error", failure.detail());
                run.killTree();
            }
            return false;
        }
        if (path.startsWith(INVOCATION) && post) {
            String rest = path.substring(INVOCATION.length());
            int slash = rest.indexOf('/');
            String id = slash < 0 ? "" : rest.substring(0, slash);
            String action = slash < 0 ? "" : rest.substring(slash + 1);
            if (!id.isEmpty() && (action.equals("response") || action.equals("error"))) {
                return posted(out, req, id, action.equals("response"));
            }
        }
        write(out, 404, List.of(), Json.error("NotFound", "the Runtime API has no " + req.method() + " " + path),
                req.close());
        return true;
    }

    private boolean next(OutputStream out, boolean close) throws IOException, InterruptedException {
        Invocation inv = dispatcher.next(slot, generation, this::stillOpen);
        if (inv == null) {
            return false; // this process is gone, a newer next replaced this one, or the watchdog stops: close
        }
        List<String[]> headers = new ArrayList<>(7);
        headers.add(new String[] {"Content-Type", "application/json"});
        headers.add(new String[] {"Lambda-Runtime-Aws-Request-Id", inv.id});
        headers.add(new String[] {"Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineEpochMillis)});
        headers.add(new String[] {"Lambda-Runtime-Invoked-Function-Arn", functionArn});
        headers.add(new String[] {"Lambda-Runtime-Trace-Id", inv.traceId});
        if (inv.clientContext != null) {
            headers.add(new String[] {"Lambda-Runtime-Client-Context", inv.clientContext});
        }
        if (inv.cognitoIdentity != null) {
            headers.add(new String[] {"Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity});
        }
        try {
            write(out, 200, headers, inv.event, close);
            out.flush();
        } catch (IOException | RuntimeException | Error e) {
            dispatcher.untake(slot, inv); // it did not reach the runtime: another next takes it
            throw e;
        }
        return true;
    }

    /** The runtime has not closed this connection (it may have given up a long poll unseen). */
    private boolean stillOpen() {
        try {
            return !socket.closedByPeer();
        } catch (IOException e) {
            return false;
        }
    }

    private boolean posted(OutputStream out, ApiRequest req, String id, boolean response) throws IOException {
        String errorType = req.header("lambda-runtime-function-error-type");
        Completion how;
        if (req.tooLarge()) {
            how = new Completion.Failed(Json.error(response ? "Function.ResponseSizeTooLarge"
                    : "Function.ErrorSizeTooLarge", "Response payload size exceeded maximum allowed payload size ("
                    + maxBody + " bytes)."));
        } else if (response) {
            how = new Completion.Answered(req.body(), req.header("content-type"));
        } else {
            how = new Completion.Failed(errorObject(req.body(), errorType));
        }
        Dispatcher.Posted result = dispatcher.post(slot, generation, id, how);
        if (result == Dispatcher.Posted.ACCEPTED) {
            if (req.tooLarge()) {
                write(out, 413, List.of(), Json.error("RequestEntityTooLarge", "the body is larger than max_body_size ("
                        + maxBody + " bytes)"), req.close());
            } else {
                write(out, 202, List.of(), OK, req.close());
            }
        } else {
            write(out, 400, List.of(), Json.error("InvalidRequestID", result == Dispatcher.Posted.ALREADY_ANSWERED
                    ? "invocation " + id + " was already answered" : "invalid request ID: " + id), req.close());
        }
        return true;
    }

    /** The posted error as the caller gets it: a JSON object as it is, anything else wrapped in one. */
    static byte[] errorObject(byte[] body, String errorType) {
        String text = new String(body, StandardCharsets.UTF_8);
        Map<String, Object> object = Json.objectOrNull(text);
        if (object != null) {
            return body;
        }
        String type = errorType == null || errorType.isBlank() ? "Unhandled" : errorType.trim();
        return Json.error(type, text);
    }

    private static void write(OutputStream out, int status, List<String[]> headers, byte[] body, boolean close)
            throws IOException {
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(reason(status)).append("\r\n");
        boolean typed = false;
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            typed |= h[0].equals("Content-Type");
        }
        if (!typed) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 202: return "Accepted";
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 413: return "Payload Too Large";
            default: return "Status";
        }
    }
}
