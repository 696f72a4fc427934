package dev.faas.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionNames;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "describe", description = "Show one deployed function: status, image, settings, where to call it.")
public final class DescribeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        GatewayClient gateway = session.gatewayClient();
        HttpResponse<byte[]> r = gateway.send(gateway.system("/system/function/" + FunctionNames.checked(name))
                .GET().build());
        if (r.statusCode() == 404) {
            throw CliFailure.callFailed("no function " + name + " on " + gateway.base() + ": faas list shows "
                    + "what is deployed");
        }
        JsonNode f = gateway.json(r, "describe " + name);
        if (session.json()) {
            session.out().println(Json.pretty(f));
        } else {
            print(session, f);
        }
        session.out().flush();
        return 0;
    }

    private void print(Session session, JsonNode f) {
        PrintWriter out = session.out();
        long available = f.path("availableReplicas").asLong();
        long replicas = f.path("replicas").asLong();
        line(out, "Name", f.path("name").asText(name));
        line(out, "Status", (available > 0 ? "Ready" : "Not ready") + " (" + available + "/" + replicas
                + " replicas available)");
        line(out, "Image", Json.text(f, "image"));
        line(out, "Process", Json.text(f, "envProcess"));
        line(out, "URL", session.functionUrl(name));
        line(out, "Async URL", session.gateway() + "/async-function/" + name);
        line(out, "Invocations", Long.toString(f.path("invocationCount").asLong()));
        line(out, "Labels", pairs(f.get("labels")));
        line(out, "Annotations", pairs(f.get("annotations")));
        line(out, "Environment", pairs(f.get("envVars")));
        line(out, "Secrets", items(f.get("secrets")));
        line(out, "Constraints", items(f.get("constraints")));
        line(out, "Limits", pairs(f.get("limits")));
        line(out, "Requests", pairs(f.get("requests")));
        line(out, "Created", Json.text(f, "createdAt"));
    }

    private static void line(PrintWriter out, String label, String value) {
        if (value != null && !value.isEmpty()) {
            out.printf("%-13s %s%n", label + ":", value);
        }
    }

    private static String pairs(JsonNode map) {
        if (map == null || !map.isObject()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        map.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", out);
    }

    private static String items(JsonNode list) {
        if (list == null || !list.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(v -> out.add(v.asText()));
        return String.join(", ", out);
    }
}
