package dev.faas.gateway.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns what was uploaded into the context Docker builds. Three inputs: a Dockerfile context (a {@code Dockerfile} at
 * its root, or {@code lang=dockerfile}); a handler for a template ({@code lang=python3}: the upload becomes the
 * template's {@code function/}, as faas-cli puts a handler into its template); and a zip with an executable
 * {@code bootstrap} at its root and no Dockerfile (the Blueprint FaaS spec), which is the {@code bootstrap} template.
 */
public final class BuildContexts {
    public static final String DOCKERFILE = "dockerfile";
    public static final String BOOTSTRAP = "bootstrap";
    /** The AWS Lambda custom runtime: a {@code bootstrap} too, run warm in the watchdog's mode=lambda. */
    public static final String LAMBDA = "lambda";
    private static final Pattern LANG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Path templates;

    /** @param templates the directory holding one directory per template ({@code build_templates}) */
    public BuildContexts(Path templates) {
        this.templates = templates;
    }

    /** The templates a build can name, sorted. */
    public List<String> templates() {
        try (Stream<Path> dirs = Files.list(templates)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What was built from: the template's name, or {@code dockerfile}. */
    public record Prepared(Path context, String lang) {}

    /**
     * The context for {@code unpacked} (an upload's files) and {@code lang} (empty: decided by what was uploaded),
     * assembled under {@code work} when a template is used.
     */
    public Prepared prepare(Path unpacked, String lang, Path work) throws BuildException, IOException {
        String chosen = lang == null ? "" : lang.strip();
        if (chosen.isEmpty()) {
            if (Files.isRegularFile(unpacked.resolve("Dockerfile"))) {
                chosen = DOCKERFILE;
            } else if (Files.isRegularFile(unpacked.resolve(BOOTSTRAP))) {
                chosen = BOOTSTRAP;
            } else {
                throw BuildException.invalid("the upload has neither a Dockerfile nor a bootstrap at its root: add one,"
                        + " or name a template with lang= (one of " + String.join(", ", templates()) + ")");
            }
        }
        if (chosen.equals(DOCKERFILE)) {
            if (!Files.isRegularFile(unpacked.resolve("Dockerfile"))) {
                throw BuildException.invalid("lang=dockerfile needs a Dockerfile at the root of the upload");
            }
            return new Prepared(unpacked, DOCKERFILE);
        }
        Path template = templates.resolve(chosen);
        if (!LANG.matcher(chosen).matches() || !Files.isRegularFile(template.resolve("Dockerfile"))) {
            throw BuildException.invalid("no template \"" + Archives.printable(chosen) + "\": the templates are "
                    + String.join(", ", templates()));
        }
        Path context = work.resolve("context");
        copyTree(template, context, template.resolve("function"));
        Files.move(unpacked, context.resolve("function"), StandardCopyOption.ATOMIC_MOVE);
        if (chosen.equals(BOOTSTRAP) || chosen.equals(LAMBDA)) {
            Path bootstrap = context.resolve("function").resolve(BOOTSTRAP);
            if (!Files.isRegularFile(bootstrap)) {
                throw BuildException.invalid("the " + chosen + " template needs an executable named bootstrap at the"
                        + " root of the upload");
            }
            // Zips made on Windows carry no modes: the spec says bootstrap is the executable, so it is one.
            Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new Prepared(context, chosen);
    }

    private static void copyTree(Path from, Path to, Path skip) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            all.filter(p -> !p.startsWith(skip)).forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
