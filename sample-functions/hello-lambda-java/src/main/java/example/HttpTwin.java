package example;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The same {@link Hello} handler behind a plain HTTP server, for the watchdog's http mode: bench/lambda.sh sets it
 * beside mode=lambda so the Runtime API's own cost shows. Events are read and answers written with the serializer
 * AWS's runtime interface client uses, so only the transport differs.
 */
public final class HttpTwin {
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final PojoSerializer<Map<String, Object>> SERIALIZER =
            (PojoSerializer) JacksonFactory.getInstance().getSerializer(Map.class);

    private HttpTwin() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(System.getenv().getOrDefault("function_port", "5000"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        Hello hello = new Hello();
        server.createContext("/", exchange -> serve(hello, exchange));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    private static void serve(Hello hello, HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Map<String, Object> event = body.length == 0 ? Map.of() : SERIALIZER.fromJson(new String(body, StandardCharsets.UTF_8));
            String id = exchange.getRequestHeaders().getFirst("X-Call-Id");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = 200;
            try {
                SERIALIZER.toJson(hello.handleRequest(event, new TwinContext(id == null ? UUID.randomUUID().toString() : id)), out);
            } catch (RuntimeException e) {
                status = 500;
                out.reset();
                out.write(("{\"errorMessage\":\"" + e.getMessage() + "\",\"errorType\":\"" + e.getClass().getName() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.size());
            try (OutputStream o = exchange.getResponseBody()) {
                out.writeTo(o);
            }
        }
    }

    /** What a handler asks of its context, answered from the environment as the runtime interface client does. */
    private record TwinContext(String getAwsRequestId) implements Context {
        private static final String NAME = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "hello-lambda-java");

        @Override public String getLogGroupName() { return "/aws/lambda/" + NAME; }
        @Override public String getLogStreamName() { return "http-twin"; }
        @Override public String getFunctionName() { return NAME; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:" + NAME; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 10_000; }
        @Override public int getMemoryLimitInMB() { return 128; }
        @Override public LambdaLogger getLogger() { return Logger.INSTANCE; }
    }

    private enum Logger implements LambdaLogger {
        INSTANCE;

        @Override public void log(String message) { System.out.print(message); }
        @Override public void log(byte[] message) { System.out.write(message, 0, message.length); }
    }
}
