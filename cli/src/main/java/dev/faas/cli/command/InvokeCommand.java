package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionNames;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "invoke", description = {"Call a function with the body read from stdin; prints its answer's body.",
        "Exits 1 when it answers other than 2xx (the status on stderr)."})
public final class InvokeCommand implements Callable<Integer> {
    private static final Set<String> NO_BODY = Set.of("GET", "HEAD", "DELETE", "OPTIONS");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = {"-m", "--method"}, defaultValue = "POST", description = "The HTTP method (default: POST; "
            + "GET, HEAD, DELETE and OPTIONS read no stdin).")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", description = "A request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-q", "--query"}, paramLabel = "KEY=VALUE", description = "A query parameter (repeatable).")
    List<String> query = new ArrayList<>();

    @Option(names = "--path", paramLabel = "PATH", description = "A path below the function's, e.g. /users/1.")
    String path;

    @Option(names = {"-a", "--async"}, description = "Queue the call (/async-function): prints its call id.")
    boolean async;

    @Option(names = "--callback-url", paramLabel = "URL", description = "Where the queued call's answer is posted.")
    String callbackUrl;

    @Override
    public Integer call() throws IOException {
        Session session = Session.of(spec);
        String verb = method.toUpperCase(Locale.ROOT);
        String target = target(); // checks the name and the options before stdin is waited for
        GatewayClient gateway = session.gatewayClient();
        byte[] body = NO_BODY.contains(verb) ? new byte[0] : readStdin(session);
        HttpRequest.Builder request = gateway.open(target).method(verb, body.length == 0 && NO_BODY.contains(verb)
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            KeyValues.parse(headers, "--header").forEach(request::header);
            if (callbackUrl != null) {
                request.header("X-Callback-Url", callbackUrl);
            }
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--header: " + e.getMessage());
        }
        long started = System.nanoTime();
        HttpResponse<byte[]> r = gateway.send(request.build());
        double seconds = (System.nanoTime() - started) / 1e9;
        Exit exit = Exit.forFunctionStatus(r.statusCode());
        String callId = r.headers().firstValue("X-Call-Id").orElse(null);
        if (session.json()) {
            session.out().println(Json.pretty(meta(r, callId, seconds)));
            session.out().flush();
        } else {
            PrintStream out = System.out;
            out.write(r.body());
            out.flush();
            if (async && exit == Exit.OK && callId != null) {
                session.err().println(name + ": queued, call id " + callId);
            }
        }
        if (exit != Exit.OK) {
            session.err().println("faas: " + name + " answered " + r.statusCode());
        }
        session.err().flush();
        return exit.code;
    }

    private String target() {
        StringBuilder t = new StringBuilder(async ? "/async-function/" : "/function/").append(FunctionNames.checked(name));
        if (path != null && !path.isEmpty()) {
            t.append(path.startsWith("/") ? "" : "/").append(path);
        }
        Map<String, String> params = KeyValues.parse(query, "--query");
        String sep = "?";
        for (Map.Entry<String, String> e : params.entrySet()) {
            t.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = "&";
        }
        return t.toString();
    }

    private static byte[] readStdin(Session session) throws IOException {
        if (System.console() != null) {
            session.err().println("reading the body from stdin (end it with Ctrl+D)");
            session.err().flush();
        }
        return System.in.readAllBytes();
    }

    private static Map<String, Object> meta(HttpResponse<byte[]> r, String callId, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", r.statusCode());
        m.put("callId", callId);
        m.put("seconds", seconds);
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> headers.put(k, String.join(", ", v)));
        m.put("headers", headers);
        m.put("body", new String(r.body(), StandardCharsets.UTF_8));
        return m;
    }
}
