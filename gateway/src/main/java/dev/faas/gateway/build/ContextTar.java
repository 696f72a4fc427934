package dev.faas.gateway.build;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A build context as the tar the Engine API's {@code POST /build} takes: sorted, modes kept, owned by root. */
final class ContextTar {
    private ContextTar() {}

    static void write(Path context, Path tar) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(context)) {
            walk.filter(p -> !p.equals(context)).forEach(all::add);
        }
        all.sort((a, b) -> context.relativize(a).toString().compareTo(context.relativize(b).toString()));
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tar));
             TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : all) {
                String name = context.relativize(p).toString().replace('\\', '/');
                boolean dir = Files.isDirectory(p);
                TarArchiveEntry e = new TarArchiveEntry(dir ? name + "/" : name);
                e.setMode(dir || Files.isExecutable(p) ? 0755 : 0644);
                e.setModTime(0);
                if (!dir) {
                    e.setSize(Files.size(p));
                }
                out.putArchiveEntry(e);
                if (!dir) {
                    Files.copy(p, out);
                }
                out.closeArchiveEntry();
            }
        }
    }
}
