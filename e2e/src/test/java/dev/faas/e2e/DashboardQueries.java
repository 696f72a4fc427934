package dev.faas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every PromQL query of a Grafana dashboard JSON: each panel's {@code targets[].expr}, rows' nested panels too. */
final class DashboardQueries {

    /** One target of one panel. */
    record PanelQuery(String panel, String refId, String expr) {
        @Override
        public String toString() {
            return "panel '" + panel + "' target " + refId + ": " + expr;
        }
    }

    private DashboardQueries() {
    }

    static List<PanelQuery> from(Path dashboardJson) {
        JsonNode dashboard;
        try {
            dashboard = new ObjectMapper().readTree(dashboardJson.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(dashboardJson + " is not valid JSON: " + e.getMessage());
        }
        List<PanelQuery> queries = new ArrayList<>();
        collect(dashboard.path("panels"), queries);
        return List.copyOf(queries);
    }

    private static void collect(JsonNode panels, List<PanelQuery> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText("");
                if (expr.isBlank()) {
                    throw new IllegalStateException("panel '" + panel.path("title").asText()
                            + "' has a target without a PromQL expr");
                }
                into.add(new PanelQuery(panel.path("title").asText(), target.path("refId").asText(), expr));
            }
            collect(panel.path("panels"), into);   // a collapsed row keeps its panels inside it
        }
    }
}
