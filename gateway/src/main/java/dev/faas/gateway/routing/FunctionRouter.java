package dev.faas.gateway.routing;

import dev.faas.gateway.api.BodyLimit;
import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.api.PlainText;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.proxy.BodyDeadline;
import dev.faas.gateway.proxy.StrictChunks;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.ImmediatePooledByteBuffer;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds which function a request is for, three ways (OpenFaaS §1):
 * {@code /function/<name>[/sub/path][?query]}, any method on {@code /} with {@code X-Function: <name>}, and
 * {@code /} without that header whose JSON body is an Alexa intent request. Anything else is 404.
 * <p>
 * The name is read from the raw (still percent-encoded) URI, so an encoded name such as {@code %2e%2e} is invalid
 * rather than decoded into something else, and {@code /function/../system} is a 400, never another route.
 */
public final class FunctionRouter implements HttpHandler {
    static final String PREFIX = "/function/";
    private static final HttpString X_FUNCTION = new HttpString("X-Function");

    private final FunctionCall call;
    private final long maxBody;
    private final BodyDeadline deadline;

    public FunctionRouter(FunctionCall call, GatewayConfig config) {
        this.call = call;
        this.maxBody = config.maxBody();
        this.deadline = new BodyDeadline(config.bodyTimeout());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = rawPath(exchange);
        if (path.startsWith(PREFIX)) {
            int end = path.indexOf('/', PREFIX.length());
            String name = end < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), end);
            if (isAcceptable(exchange, name)) {
                exchange.setResolvedPath(PREFIX + name);
                call.forward(exchange, name);
            }
        } else if (path.equals("/function")) {
            PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, "missing function name: call /function/<name>");
        } else if (path.equals("/")) {
            String header = exchange.getRequestHeaders().getFirst(X_FUNCTION);
            if (header != null) {
                if (isAcceptable(exchange, header.trim())) {
                    call.forward(exchange, header.trim());
                }
            } else {
                routeByAlexaIntent(exchange);
            }
        } else {
            PlainText.error(exchange, 404, GatewayError.NOT_FOUND,
                    "no route for this path: functions are called at /function/<name>");
        }
    }

    private static boolean isAcceptable(HttpServerExchange exchange, String name) {
        if (FunctionNames.isValid(name)) {
            return true;
        }
        PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, "invalid function name " + FunctionNames.quote(name)
                + ": use " + FunctionNames.RULE);
        return false;
    }

    /**
     * Reads the body (at most max_body: BodyLimit, within body_timeout: BodyDeadline), takes the intent name from it,
     * then forwards the same bytes.
     */
    private void routeByAlexaIntent(HttpServerExchange exchange) {
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
            BodyDeadline.arrived(ex, true);
            String name = AlexaIntent.intentName(body);
            if (name == null) {
                PlainText.error(ex, 400, GatewayError.BAD_REQUEST, AlexaIntent.EXPECTED);
                return;
            }
            if (!isAcceptable(ex, name)) {
                return;
            }
            Connectors.ungetRequestBytes(ex, new ImmediatePooledByteBuffer(ByteBuffer.wrap(body)));
            Connectors.resetRequestChannel(ex);
            ex.getRequestHeaders().remove(Headers.TRANSFER_ENCODING);
            ex.getRequestHeaders().put(Headers.CONTENT_LENGTH, body.length);
            // The callback may run inside this handler's own call (body already read) or later from the IO
            // thread; dispatching covers both, and the root-handler call lets the proxy dispatch again.
            ex.dispatch(SameThreadExecutor.INSTANCE, () -> Connectors.executeRootHandler(e -> call.forward(e, name), ex));
        }, (ex, error) -> tooLargeOrBroken(ex, error));
        if (!BodyDeadline.arrived(exchange) && !exchange.isResponseStarted()) { // still reading: it waits for more
            deadline.arm(exchange);
            BodyDeadline.onExpiry(exchange, () -> deadline.refuse(exchange));
        }
    }

    private void tooLargeOrBroken(HttpServerExchange exchange, IOException error) {
        BodyDeadline.arrived(exchange, false);
        String malformed = StrictChunks.malformed(exchange);
        if (BodyLimit.exceeded(exchange)) { // the receiver may report the failed read in other words
            PlainText.tooLarge(exchange, maxBody);
        } else if (malformed != null) {
            exchange.setPersistent(false);
            PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, StrictChunks.answer(malformed));
        } else {
            exchange.setPersistent(false);
            PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, "could not read the request body");
        }
    }

    /** The path part of the request URI as sent, without query; absolute-form URIs lose scheme and host. */
    public static String rawPath(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int scheme = uri.indexOf("//");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 2);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }
}
