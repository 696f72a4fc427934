package dev.faas.gateway.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The tag of a build: a digest of everything the image is made of — every file's path, execute bit and bytes, the
 * build arguments, and the ids of the base images its Dockerfile names — so the same input is never built twice and
 * a rebuilt base (a new watchdog) makes a new tag. 16 hex digits: 64 bits, no collision among one platform's builds.
 */
public final class ContentTag {
    private ContentTag() {}

    /** @param baseIds each base image the Dockerfile names, with the engine's id for it (or "" when missing) */
    public static String of(Path context, Map<String, String> buildArgs, Map<String, String> baseIds)
            throws IOException {
        MessageDigest sha = sha256();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(context)) {
            all.filter(Files::isRegularFile).forEach(files::add);
        }
        files.sort((a, b) -> context.relativize(a).toString().compareTo(context.relativize(b).toString()));
        byte[] buffer = new byte[64 * 1024];
        for (Path f : files) {
            field(sha, "file", context.relativize(f).toString().replace('\\', '/'));
            field(sha, "x", Files.isExecutable(f) ? "1" : "0");
            field(sha, "size", Long.toString(Files.size(f)));
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
        }
        new TreeMap<>(buildArgs).forEach((k, v) -> field(sha, "arg", k + "=" + v));
        new TreeMap<>(baseIds).forEach((k, v) -> field(sha, "base", k + "=" + v));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void field(MessageDigest sha, String kind, String value) {
        sha.update((kind + "\0" + value + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JRE", e);
        }
    }
}
