package dev.faas.template;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The small HTTP server around a function's {@code function.Handler}: the watchdog (mode=http) starts it once and
 * proxies every call to it on 127.0.0.1:{@code function_port} (5000). JDK HttpServer only, no dependencies.
 */
public final class FunctionServer {
    private FunctionServer() {}

    public static void main(String[] args) throws IOException {
        // Without it every kept-alive response waits ~40 ms for Nagle and the watchdog's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(System.getenv().getOrDefault("function_port", "5000"));
        FunctionHandler handler = new function.Handler();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        ExecutorService threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", exchange -> serve(handler, exchange));
        server.start();
        System.err.println("msg=\"function listening\" port=" + port + " handler=" + handler.getClass().getName());
    }

    private static void serve(FunctionHandler handler, HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    query == null ? "" : query, exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes());
            Response response;
            try {
                response = handler.handle(request);
            } catch (Exception e) {
                // The caller gets one line; the container log gets the whole story.
                e.printStackTrace();
                response = Response.text(500, "the function failed: " + e + "\n");
            }
            for (Map.Entry<String, String> header : response.headers().entrySet()) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
            byte[] body = response.body();
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(response.status(), body.length == 0 || head ? -1 : body.length);
            if (body.length > 0 && !head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            System.err.println("msg=\"call failed\" error=\"" + e.getMessage() + "\"");
        }
    }
}
