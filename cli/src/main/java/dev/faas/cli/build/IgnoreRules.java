package dev.faas.cli.build;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a build context leaves out: {@code .faasignore} in the directory, else its {@code .dockerignore}
 * (the gateway's builder gets the tar as is, so the CLI is the one to apply it, as the docker CLI does). One glob
 * per line ({@code *}, {@code ?}, {@code **}), relative to the directory; a rule matching a directory leaves out all
 * below it; {@code !} takes a path back; the last matching rule wins; {@code #} starts a comment.
 */
public final class IgnoreRules {
    private record Rule(PathMatcher glob, boolean include) {}

    public static final IgnoreRules NONE = new IgnoreRules(List.of());

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = rules;
    }

    public static IgnoreRules of(Path directory) throws IOException {
        for (String name : List.of(".faasignore", ".dockerignore")) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                return parse(Files.readAllLines(file));
            }
        }
        return NONE;
    }

    static IgnoreRules parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String pattern = include ? line.substring(1).strip() : line;
            while (pattern.startsWith("/") || pattern.startsWith("./")) {
                pattern = pattern.substring(pattern.startsWith("/") ? 1 : 2);
            }
            while (pattern.endsWith("/")) {
                pattern = pattern.substring(0, pattern.length() - 1);
            }
            if (!pattern.isEmpty()) {
                rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern), include));
            }
            if (pattern.startsWith("**/") && pattern.length() > 3) {
                // Docker's **/ also matches at the top; Java's glob wants at least one directory there.
                rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)), include));
            }
        }
        return new IgnoreRules(List.copyOf(rules));
    }

    /** @param relative a path inside the context, relative to its root */
    public boolean leavesOut(Path relative) {
        boolean out = false;
        for (Rule rule : rules) {
            if (matchesItOrAParent(rule.glob(), relative)) {
                out = !rule.include();
            }
        }
        return out;
    }

    private static boolean matchesItOrAParent(PathMatcher glob, Path relative) {
        for (Path p = relative; p != null; p = p.getParent()) {
            if (glob.matches(p)) {
                return true;
            }
        }
        return false;
    }
}
