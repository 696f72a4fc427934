package dev.faas.cli.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.output.Json;
import java.io.IOException;
import java.util.Optional;

/** Reads the lines of the builder's answer. Blank lines (keep-alives) are nothing; a line that is not JSON is a log line. */
public final class BuildEvents {
    private BuildEvents() {
    }

    public static Optional<BuildEvent> parse(String line) {
        if (line == null || line.isBlank()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = Json.parse(line);
        } catch (IOException e) {
            return Optional.of(new BuildEvent.Log(line));
        }
        if (!node.isObject()) {
            return Optional.of(new BuildEvent.Log(line));
        }
        String event = String.valueOf(Json.text(node, "event"));
        return Optional.of(switch (event) {
            case "step" -> new BuildEvent.Step(orEmpty(Json.text(node, "message")));
            case "log" -> new BuildEvent.Log(orEmpty(Json.text(node, "line")));
            case "done" -> new BuildEvent.Done(Json.text(node, "function"), Json.text(node, "image"),
                    node.path("built").asBoolean(true), Json.text(node, "action"), node.path("seconds").asDouble());
            case "failed" -> new BuildEvent.Failed(node.path("status").asInt(0), orEmpty(Json.text(node, "error")),
                    orEmpty(Json.text(node, "log_tail")));
            default -> new BuildEvent.Other(event, line.strip());
        });
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
