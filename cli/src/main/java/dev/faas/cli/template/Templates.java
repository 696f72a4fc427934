package dev.faas.cli.template;

import dev.faas.cli.CliFailure;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The templates bundled in the jar (the repository's templates/, under {@code templates/} in it). A template is a
 * directory; its {@code function/} is the skeleton {@code faas new} copies. Read through the jar's own file system,
 * or from the class directory when run from the build (tests).
 */
public final class Templates implements AutoCloseable {
    private final Path root;
    private final FileSystem jar;

    public Templates(Path root) {
        this(root, null);
    }

    private Templates(Path root, FileSystem jar) {
        this.root = root;
        this.jar = jar;
    }

    /** The templates next to this class: in its jar, or its class directory. */
    public static Templates bundled() {
        try {
            Path location = Path.of(Templates.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                return new Templates(location.resolve("templates"));
            }
            FileSystem jar = FileSystems.newFileSystem(location);
            return new Templates(jar.getPath("/templates"), jar);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw CliFailure.callFailed("cannot read the templates bundled in faas.jar: " + e.getMessage());
        }
    }

    /** The templates' names, sorted. */
    public List<String> names() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString().replace("/", ""))
                    .sorted().toList();
        } catch (IOException e) {
            throw CliFailure.callFailed("cannot list the bundled templates: " + e.getMessage());
        }
    }

    /**
     * Copies the template's {@code function/} into {@code target}, which must not exist yet. Resource copying drops
     * Unix modes, so a file that starts with {@code #!} is made executable (a script the template runs).
     *
     * @return the files written, relative to {@code target}
     */
    public List<String> copySkeleton(String lang, Path target) {
        Path skeleton = root.resolve(lang).resolve("function");
        if (!Files.isDirectory(skeleton)) {
            throw names().contains(lang)
                    ? CliFailure.callFailed("the template " + lang + " has no function/ skeleton to copy")
                    : CliFailure.usage("no template " + lang + ": faas new --list shows them ("
                    + String.join(", ", names()) + ")");
        }
        List<String> written = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(skeleton)) {
            Files.createDirectories(target);
            for (Path source : walk.sorted().toList()) {
                String relative = skeleton.relativize(source).toString();
                if (relative.isEmpty()) {
                    continue;
                }
                Path dest = target.resolve(relative);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                    continue;
                }
                byte[] bytes = Files.readAllBytes(source);
                Files.write(dest, bytes);
                if (startsWithShebang(bytes) && dest.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                written.add(relative);
            }
        } catch (IOException e) {
            throw CliFailure.callFailed("cannot copy the template " + lang + " to " + target + ": " + e.getMessage());
        }
        return written;
    }

    /** The template's welcome_message (its template.yml, as faas-cli's templates have), or null. */
    public String welcomeMessage(String lang) {
        Path yml = root.resolve(lang).resolve("template.yml");
        if (!Files.isRegularFile(yml)) {
            return null;
        }
        try {
            Object top = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(yml));
            Object message = top instanceof Map<?, ?> m ? m.get("welcome_message") : null;
            return message == null ? null : String.valueOf(message);
        } catch (IOException | YAMLException e) {
            return null; // only a greeting: a broken one is not worth failing for
        }
    }

    private static boolean startsWithShebang(byte[] bytes) {
        return bytes.length >= 2 && Arrays.equals(Arrays.copyOf(bytes, 2), new byte[] {'#', '!'});
    }

    @Override
    public void close() {
        if (jar != null) {
            try {
                jar.close();
            } catch (IOException e) {
                // Read-only, nothing to lose.
            }
        }
    }
}
