package dev.faas.cli.gateway;

import dev.faas.cli.CliFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The credentials {@code faas login} keeps, one per gateway, in {@code ~/.faas/config.yml} (faas-cli's layout:
 * {@code auths: [{gateway, auth: basic, token: base64(user:password)}]}). The file is written whole, through a
 * temporary file created 0600 in a 0700 directory, so no other user can read it even for a moment.
 */
public final class CredentialStore {
    private final Path file;

    public CredentialStore(Path directory) {
        this.file = directory.resolve("config.yml");
    }

    /** $FAAS_CONFIG_DIR, else $HOME/.faas (the shell's HOME, which the JVM's user.home does not follow), else user.home. */
    public static CredentialStore forUser(Map<String, String> env) {
        String dir = env.get("FAAS_CONFIG_DIR");
        if (dir != null && !dir.isBlank()) {
            return new CredentialStore(Path.of(dir));
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return new CredentialStore(Path.of(home, ".faas"));
    }

    public Path file() {
        return file;
    }

    public Optional<Credentials> credentialsFor(URI gateway) {
        String token = read().get(gateway.toString());
        if (token == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Credentials.fromToken(token));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(file + ": the token for " + gateway + " is not base64 of user:password: "
                    + "run faas login again");
        }
    }

    public void store(URI gateway, Credentials credentials) {
        Map<String, String> all = read();
        all.put(gateway.toString(), credentials.token());
        write(all);
    }

    /** @return whether there was something to forget */
    public boolean forget(URI gateway) {
        Map<String, String> all = read();
        boolean had = all.remove(gateway.toString()) != null;
        if (had) {
            write(all);
        }
        return had;
    }

    /** Gateway → token, in the file's order; empty when there is no file. */
    private Map<String, String> read() {
        Map<String, String> tokens = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return tokens;
        }
        try {
            Object top = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            Object auths = top instanceof Map<?, ?> m ? m.get("auths") : null;
            if (auths instanceof List<?> list) {
                for (Object entry : list) {
                    if (entry instanceof Map<?, ?> e && e.get("gateway") != null && e.get("token") != null) {
                        tokens.put(String.valueOf(e.get("gateway")), String.valueOf(e.get("token")));
                    }
                }
            }
            return tokens;
        } catch (IOException | YAMLException e) {
            throw CliFailure.usage("cannot read " + file + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    + "): fix it, or remove it and run faas login again");
        }
    }

    private void write(Map<String, String> tokens) {
        StringBuilder text = new StringBuilder("# faas CLI: credentials per gateway (faas login). Keep it private.\n");
        text.append(tokens.isEmpty() ? "auths: []\n" : "auths:\n");
        tokens.forEach((gateway, token) -> text.append("- gateway: ").append(quoted(gateway)).append('\n')
                .append("  auth: basic\n")
                .append("  token: ").append(quoted(token)).append('\n'));
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                createPrivately(dir, true);
            }
            Path temp = dir.resolve(".config.yml." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(temp);
            createPrivately(temp, false);
            Files.writeString(temp, text);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw CliFailure.callFailed("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void createPrivately(Path path, boolean directory) throws IOException {
        boolean posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (directory) {
                if (posix) {
                    Files.createDirectories(path, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(path);
                }
            } else if (posix) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            if (!directory) {
                throw e;
            }
        }
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
