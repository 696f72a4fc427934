package dev.faas.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionNames;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scale", description = "Set a function's replicas (the gateway keeps them within the "
        + "function's min and max, and says so).")
public final class ScaleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = {"-r", "--replicas"}, required = true, paramLabel = "N")
    int replicas;

    @Override
    public Integer call() {
        if (replicas < 0) {
            throw CliFailure.usage("--replicas must be 0 or more");
        }
        Session session = Session.of(spec);
        GatewayClient gateway = session.gatewayClient();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("serviceName", FunctionNames.checked(name));
        body.put("replicas", replicas);
        HttpResponse<byte[]> r = gateway.send(gateway.system("/system/scale-function/" + name)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.compact(body))).build());
        if (r.statusCode() == 404) {
            throw CliFailure.callFailed("no function " + name + " on " + gateway.base() + ": faas list shows "
                    + "what is deployed");
        }
        JsonNode answer;
        try {
            answer = gateway.json(r, "scale " + name);
        } catch (CliFailure e) {
            if (r.statusCode() / 100 == 2) {
                answer = null; // an OpenFaaS gateway answers 200/202 with no JSON
            } else {
                throw e;
            }
        }
        if (session.json()) {
            session.out().println(answer == null ? Json.pretty(body) : Json.pretty(answer));
        } else {
            String message = Json.text(answer, "message");
            session.out().println(name + ": " + (message == null ? "scaled to " + replicas : message));
        }
        session.out().flush();
        return 0;
    }
}
