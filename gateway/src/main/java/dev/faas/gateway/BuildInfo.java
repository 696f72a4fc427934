package dev.faas.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the gateway was built from, for /system/info: its version, and the commit from git.properties (written into
 * the jar at build time by git-commit-id-maven-plugin; empty when built outside a git checkout).
 */
public record BuildInfo(String version, String sha, String commitMessage) {

    static BuildInfo of(Class<?> fromJar) {
        String version = fromJar.getPackage().getImplementationVersion();
        Properties git = new Properties();
        try (InputStream in = fromJar.getResourceAsStream("/git.properties")) {
            if (in != null) {
                git.load(in);
            }
        } catch (IOException e) {
            // No commit to report: /system/info says "" as OpenFaaS does for an unknown sha.
        }
        String sha = git.getProperty("git.commit.id", "");
        if ("true".equals(git.getProperty("git.dirty"))) {
            sha = sha.isEmpty() ? sha : sha + "-dirty";
        }
        return new BuildInfo(version == null ? "dev" : version, sha, git.getProperty("git.commit.message.short", ""));
    }
}
