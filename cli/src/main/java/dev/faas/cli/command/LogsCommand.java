package dev.faas.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.gateway.LogQuery;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", description = {"Print a function's logs (stdout and stderr of every replica): "
        + "timestamp, name (replica), text; --json prints the gateway's NDJSON lines as they are."})
public final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--follow", description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only lines since a duration back (10m) or a "
            + "time (2024-01-31T12:00:00Z).")
    String since;

    @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines of each replica.")
    Integer tail;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        GatewayClient gateway = session.gatewayClient();
        LogQuery query = new LogQuery(FunctionNames.checked(name), follow, LogQuery.since(since, Clock.systemUTC()), tail);
        HttpResponse<Stream<String>> r = gateway.send(gateway.system(query.pathAndQuery())
                .header("Accept", "application/x-ndjson").GET().build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = r.body()) {
            if (r.statusCode() == 404) {
                throw CliFailure.callFailed("no function " + name + " on " + gateway.base() + ": faas list shows "
                        + "what is deployed");
            }
            if (r.statusCode() != 200) {
                throw gateway.refusal("logs " + name, r.statusCode(),
                        lines.collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8));
            }
            PrintWriter out = session.out();
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isBlank()) {
                    continue; // the gateway's keep-alive while a followed stream is quiet
                }
                out.println(session.json() ? line : plain(line));
                out.flush();
            }
        } catch (UncheckedIOException e) {
            throw CliFailure.callFailed("the log stream of " + name + " broke off: " + e.getCause().getMessage());
        }
        return 0;
    }

    /** faas-cli's plain format: {@code timestamp name (instance) text}. */
    static String plain(String line) {
        try {
            JsonNode l = Json.parse(line);
            String instance = String.valueOf(Json.text(l, "instance"));
            return Json.text(l, "timestamp") + " " + Json.text(l, "name") + " ("
                    + (instance.length() > 12 ? instance.substring(0, 12) : instance) + ") " + Json.text(l, "text");
        } catch (IOException e) {
            return line;
        }
    }
}
