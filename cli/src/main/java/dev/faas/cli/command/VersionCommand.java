package dev.faas.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.Version;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = {"The CLI's version and the gateway's (GET /system/info).",
        "Exits 0 even when the gateway cannot be asked (what is wrong goes to stderr)."})
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        PrintWriter out = session.out();
        JsonNode info = null;
        String problem = null;
        try {
            GatewayClient gateway = session.gatewayClient();
            info = gateway.systemJson(gateway.system("/system/info").GET().build(), "gateway version");
        } catch (CliFailure e) {
            problem = e.getMessage();
        }
        if (session.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("cli", Map.of("version", Version.cli()));
            Map<String, Object> gateway = new LinkedHashMap<>();
            gateway.put("url", session.gateway().toString());
            gateway.put("info", info);
            gateway.put("error", problem);
            json.put("gateway", gateway);
            out.println(Json.pretty(json));
        } else {
            out.println("faas CLI:  " + Version.cli());
            out.println("gateway:   " + session.gateway());
            if (info != null) {
                JsonNode v = info.path("version");
                JsonNode p = info.path("provider");
                out.println("  version:  " + v.path("release").asText("?") + " (" + v.path("sha").asText("") + ")");
                out.println("  provider: " + p.path("provider").asText("?") + " " + p.path("orchestration").asText("")
                        + " " + p.path("version").path("release").asText(""));
            }
        }
        out.flush();
        if (problem != null) {
            session.err().println("faas: " + problem);
            session.err().flush();
        }
        return 0;
    }
}
