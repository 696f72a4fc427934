package dev.faas.watchdog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * A warm function for http-mode tests, run by the watchdog as fprocess:
 * {@code TestUpstream <port> <startDelayMs> [holdFile]}. Waits startDelayMs before it listens, and then as long as
 * holdFile exists (every start, so a test holds a restart open as long as it likes), then answers:
 * <pre>
 *   /slow?ms=N   sleeps N ms, then "slept"
 *   /hold?file=F waits until file F exists (the test releases it), then "released"
 *   /crash       exits with status 3 without answering
 *   /stream      "first\n" at once, "second\n" after 300 ms (chunked)
 *   /echo        "body=[BODY]" and a line "name: value" for each header whose name starts with x, lower case, sorted
 *   anything     "METHOD PATH?QUERY x-test=VALUE body=BODY pid=PID"
 * </pre>
 */
public final class TestUpstream {
    public static void main(String[] args) throws Exception {
        Thread.sleep(Long.parseLong(args[1]));
        if (args.length > 2) {
            awaitAbsent(Path.of(args[2]));
        }
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", TestUpstream::handle);
        server.start();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        byte[] body = exchange.getRequestBody().readAllBytes();
        try (exchange) {
            switch (path) {
                case "/slow":
                    sleep(Long.parseLong(query.substring(query.indexOf('=') + 1)));
                    answer(exchange, "slept");
                    break;
                case "/hold":
                    Path release = Path.of(URLDecoder.decode(query.substring(query.indexOf('=') + 1),
                            StandardCharsets.UTF_8));
                    while (!Files.exists(release)) {
                        sleep(10);
                    }
                    answer(exchange, "released");
                    break;
                case "/echo":
                    answer(exchange, echo(exchange, body));
                    break;
                case "/crash":
                    Runtime.getRuntime().halt(3);
                    break;
                case "/stream":
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    out.write("first\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sleep(300);
                    out.write("second\n".getBytes(StandardCharsets.UTF_8));
                    break;
                default:
                    answer(exchange, exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query)
                            + " x-test=" + exchange.getRequestHeaders().getFirst("X-Test")
                            + " body=" + new String(body, StandardCharsets.UTF_8)
                            + " pid=" + ProcessHandle.current().pid());
            }
        }
    }

    private static String echo(HttpExchange exchange, byte[] body) {
        StringBuilder seen = new StringBuilder("body=[").append(new String(body, StandardCharsets.ISO_8859_1))
                .append("]\n");
        new TreeMap<>(exchange.getRequestHeaders()).forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("x")) {
                seen.append(name.toLowerCase(Locale.ROOT)).append(": ").append(String.join(",", values)).append('\n');
            }
        });
        return seen.toString();
    }

    private static void answer(HttpExchange exchange, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void awaitAbsent(Path hold) {
        while (Files.exists(hold)) {
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
