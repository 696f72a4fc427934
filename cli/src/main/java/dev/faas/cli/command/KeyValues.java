package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Repeated {@code key=value} options (--header, --query, --env, --label), in the order given. */
final class KeyValues {
    private KeyValues() {
    }

    static Map<String, String> parse(List<String> pairs, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        if (pairs == null) {
            return out;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw CliFailure.usage(option + " " + pair + ": write it as key=value");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }
}
