package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionNames;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "remove", aliases = "rm", description = "Remove deployed functions.")
public final class RemoveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        GatewayClient gateway = session.gatewayClient();
        for (String name : names) {
            String body = Json.compact(Map.of("functionName", FunctionNames.checked(name)));
            HttpResponse<byte[]> r = gateway.send(gateway.system("/system/functions")
                    .header("Content-Type", "application/json")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString(body)).build());
            if (r.statusCode() == 404) {
                throw CliFailure.callFailed("no function " + name + " on " + gateway.base() + ": nothing removed");
            }
            if (r.statusCode() / 100 != 2) {
                throw gateway.refusal("remove " + name, r.statusCode(), r.body());
            }
            session.out().println(name + ": removed");
            session.out().flush();
        }
        return 0;
    }
}
