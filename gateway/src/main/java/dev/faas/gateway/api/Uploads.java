package dev.faas.gateway.api;

import dev.faas.gateway.build.BuildException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An uploaded archive (a build context, a Blueprint zip) saved to a file in the build directory, so a 50 MB upload
 * never sits in the heap; over {@code build_max_archive} is a 413 (BodyLimit cuts the stream there), an empty body
 * a 400. The file is the build's to remove.
 */
public final class Uploads {
    private final Path dir;
    private final long max;

    public Uploads(Path dir, long max) {
        this.dir = dir;
        this.max = max;
    }

    public long max() {
        return max;
    }

    /** The body of a blocking exchange, in a new file. */
    public Path receive(HttpServerExchange exchange) throws BuildException, IOException {
        Path file = Files.createTempFile(dir, "upload-", ".archive");
        try (InputStream in = exchange.getInputStream()) {
            long n = Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (n == 0) {
                throw new BuildException(400, "the request body is empty: send the archive (zip, tar or tar.gz)", "");
            }
            return file;
        } catch (RequestTooBigException e) {
            Files.deleteIfExists(file);
            throw new BuildException(413, "the upload is over build_max_archive (" + max + " bytes)", "");
        } catch (BuildException | IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}
