package dev.faas.gateway.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the docker CLI against the real engine; a failure throws with the command's output. */
final class Cli {
    private Cli() {}

    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text);
            }
            return text.trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Like {@link #run} but for clean-up: never throws, returns what happened. */
    static String quietly(String... command) {
        try {
            return run(command);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    static void requireImages(List<String> images) {
        for (String image : images) {
            try {
                run("docker", "image", "inspect", "-f", "{{.Id}}", image);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("image " + image + " is missing: run scripts/build-images.sh first", e);
            }
        }
    }
}
