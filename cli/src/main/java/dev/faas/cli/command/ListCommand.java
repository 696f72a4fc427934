package dev.faas.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import dev.faas.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", aliases = "ls", description = "List the deployed functions (--verbose: image and "
        + "available/desired replicas; --json: the gateway's answer).")
public final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        GatewayClient gateway = session.gatewayClient();
        JsonNode functions = gateway.systemJson(gateway.system("/system/functions").GET().build(), "list");
        if (session.json()) {
            session.out().println(Json.pretty(functions));
            session.out().flush();
            return 0;
        }
        List<JsonNode> sorted = new ArrayList<>();
        if (functions != null) {
            functions.forEach(sorted::add);
        }
        sorted.sort(Comparator.comparing(f -> f.path("name").asText()));
        Table table = session.verbose()
                ? new Table("Function", "Image", "Invocations", "Replicas")
                : new Table("Function", "Invocations", "Replicas");
        for (JsonNode f : sorted) {
            long calls = f.path("invocationCount").asLong();
            if (session.verbose()) {
                table.row(f.path("name").asText(), f.path("image").asText(), calls,
                        f.path("availableReplicas").asLong() + "/" + f.path("replicas").asLong());
            } else {
                table.row(f.path("name").asText(), calls, f.path("replicas").asLong());
            }
        }
        table.print(session.out());
        return 0;
    }
}
