package dev.faas.gateway.build;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The base images a Dockerfile builds on, with its {@code ARG} defaults and the build's arguments filled in (every
 * Dockerfile here takes its base as an ARG). Stages named by {@code AS} and {@code scratch} are not images.
 */
final class Dockerfiles {
    private static final Pattern ARG = Pattern.compile("(?i)^\\s*ARG\\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\\S*))?");
    private static final Pattern FROM = Pattern.compile("(?i)^\\s*FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?");
    private static final Pattern COPY_FROM = Pattern.compile("(?i)^\\s*COPY\\s+.*--from=(\\S+)");
    private static final Pattern ADD_URL = Pattern.compile("(?i)^\\s*ADD\\s+(?:--\\S+\\s+)*\\S*(https?|ftp|git)://");
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private Dockerfiles() {}

    /** The first {@code ADD <url>} line, or null: the engine itself would download it, whatever the build's network. */
    static String remoteAdd(String dockerfile) {
        for (String line : dockerfile.split("\n")) {
            if (ADD_URL.matcher(line).find()) {
                return line.strip();
            }
        }
        return null;
    }

    /** Every image a build needs: its FROM lines and COPY --from of an image rather than a stage. */
    static List<String> baseImages(String dockerfile, Map<String, String> buildArgs) {
        Map<String, String> args = new HashMap<>();
        Set<String> stages = new HashSet<>();
        List<String> bases = new ArrayList<>();
        for (String line : dockerfile.split("\n")) {
            Matcher arg = ARG.matcher(line);
            if (arg.find()) {
                String name = arg.group(1);
                args.put(name, buildArgs.getOrDefault(name, arg.group(2) == null ? "" : unquote(arg.group(2))));
                continue;
            }
            Matcher copy = COPY_FROM.matcher(line);
            if (copy.find()) {
                String image = substitute(copy.group(1), args);
                if (!stages.contains(image.toLowerCase()) && !image.matches("\\d+") && !bases.contains(image)) {
                    bases.add(image);
                }
                continue;
            }
            Matcher from = FROM.matcher(line);
            if (from.find()) {
                String image = substitute(from.group(1), args);
                if (!image.equalsIgnoreCase("scratch") && !stages.contains(image.toLowerCase()) && !bases.contains(image)) {
                    bases.add(image);
                }
                if (from.group(2) != null) {
                    stages.add(from.group(2).toLowerCase());
                }
            }
        }
        return bases;
    }

    private static String substitute(String text, Map<String, String> args) {
        Matcher m = VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String value = args.getOrDefault(name, "");
            if (value.isEmpty() && m.group(2) != null) {
                value = m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
                ? s.substring(1, s.length() - 1) : s;
    }
}
