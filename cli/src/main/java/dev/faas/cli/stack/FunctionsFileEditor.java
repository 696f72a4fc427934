package dev.faas.cli.stack;

import dev.faas.cli.CliFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Adds a function to a functions file as text, at the end of its {@code functions:} section, so the user's
 * comments and layout stay as they were (a YAML dump would drop them). The result is parsed back before it is
 * handed out: an edit that would not read as intended is refused, with the block to paste by hand.
 */
public final class FunctionsFileEditor {
    private static final Pattern FUNCTIONS = Pattern.compile("functions:\\s*(#.*)?");
    private static final Pattern EMPTY_FUNCTIONS = Pattern.compile("functions:\\s*\\{\\s*}\\s*(#.*)?");

    /** What {@code faas new} writes for a function. */
    public record NewFunction(String name, String lang, String handler, String image) {}

    private FunctionsFileEditor() {
    }

    /** A new file with this one function, for the gateway given (or the default one, when null). */
    public static String newFile(String gateway, NewFunction f) {
        return "version: 1.0\n"
                + "provider:\n"
                + "  name: openfaas\n"
                + "  gateway: " + (gateway == null ? "http://127.0.0.1:8080" : gateway) + "\n"
                + "functions:\n"
                + block(f, "  ");
    }

    public static String withFunction(String text, NewFunction f) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (FUNCTIONS.matcher(lines.get(i)).matches()) {
                header = i;
            } else if (EMPTY_FUNCTIONS.matcher(lines.get(i)).matches()) {
                lines.set(i, "functions:");
                header = i;
            }
        }
        String result;
        if (header < 0) {
            result = String.join("\n", lines) + "\nfunctions:\n" + block(f, "  ");
        } else {
            int at = endOfSection(lines, header);
            String indent = indentOfFirstEntry(lines, header, at);
            List<String> added = new ArrayList<>(block(f, indent).lines().toList());
            if (at - 1 > header && !lines.get(at - 1).isBlank()) {
                added.add(0, "");
            }
            lines.addAll(at, added);
            result = String.join("\n", lines) + "\n";
        }
        requireItReadsBack(text, result, f);
        return result;
    }

    /** The line the section ends before: the next top-level key, less the blank lines and comments just above it. */
    private static int endOfSection(List<String> lines, int header) {
        int next = lines.size();
        for (int i = header + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                next = i;
                break;
            }
        }
        while (next - 1 > header && (lines.get(next - 1).isBlank() || lines.get(next - 1).startsWith("#"))) {
            next--;
        }
        return next;
    }

    private static String indentOfFirstEntry(List<String> lines, int header, int end) {
        for (int i = header + 1; i < end; i++) {
            String line = lines.get(i);
            String stripped = line.stripLeading();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return line.substring(0, line.length() - stripped.length());
            }
        }
        return "  ";
    }

    private static String block(NewFunction f, String indent) {
        String inner = indent + indent;
        return indent + f.name() + ":\n"
                + inner + "lang: " + f.lang() + "\n"
                + inner + "handler: " + f.handler() + "\n"
                + inner + "image: " + f.image() + "\n";
    }

    /** The edit must add this function and keep every other: no duplicate key, nothing lost. */
    private static void requireItReadsBack(String before, String after, NewFunction f) {
        Map<?, ?> old = functionsOf(before);
        Map<?, ?> now = functionsOf(after);
        Object fn = now == null ? null : now.get(f.name());
        boolean kept = now != null && (old == null || now.keySet().containsAll(old.keySet()));
        if (!kept || !(fn instanceof Map<?, ?> m) || !f.lang().equals(String.valueOf(m.get("lang")))) {
            throw CliFailure.callFailed("cannot add " + f.name() + " to the functions file by itself (its layout "
                    + "is unusual): add this under functions: yourself\n" + block(f, "  "));
        }
    }

    /** The functions map of a file's text; null when it has none or does not read (duplicate keys included). */
    private static Map<?, ?> functionsOf(String text) {
        LoaderOptions strict = new LoaderOptions();
        strict.setAllowDuplicateKeys(false);
        try {
            Object top = new Yaml(new SafeConstructor(strict)).load(text);
            return top instanceof Map<?, ?> m && m.get("functions") instanceof Map<?, ?> functions ? functions : null;
        } catch (YAMLException e) {
            return null;
        }
    }
}
