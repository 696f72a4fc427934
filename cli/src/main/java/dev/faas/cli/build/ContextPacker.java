package dev.faas.cli.build;

import dev.faas.cli.CliFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Packs what a build sends. A directory becomes a gzipped tar of its files, by paths relative to it, in a fixed
 * order with a fixed time and owner, so the same files always give the same bytes (the builder can tell nothing
 * changed). A program becomes a zip holding it as an executable {@code bootstrap} at its root; a zip is sent as is.
 */
public final class ContextPacker {
    /** A fixed time for every entry: 1980-01-01, the first a zip can hold. */
    static final FileTime FIXED_TIME = FileTime.from(Instant.parse("1980-01-01T00:00:00Z"));
    static final int EXECUTABLE = 0755;
    static final int REGULAR = 0644;
    /** The file-type bits of a tar or zip entry's mode, as stat(2) has them. */
    private static final int TYPE_DIRECTORY = 040000;
    private static final int TYPE_FILE = 0100000;

    private ContextPacker() {
    }

    /**
     * @param skipped told of each path not sent (a symlink, an ignored file), for the user to see
     */
    public static BuildContext directory(Path dir, Consumer<String> skipped) {
        if (!Files.isDirectory(dir)) {
            throw CliFailure.usage("the handler " + dir + " is not a directory");
        }
        try {
            IgnoreRules ignore = IgnoreRules.of(dir);
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(dir)) {
                paths = walk.filter(p -> !p.equals(dir)).sorted().toList();
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int files = 0;
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Path path : paths) {
                    Path relative = dir.relativize(path);
                    if (ignore.leavesOut(relative)) {
                        continue;
                    }
                    String name = entryName(relative);
                    if (Files.isSymbolicLink(path)) {
                        skipped.accept(name + " (a symbolic link: copy the file in instead)");
                    } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        tar.putArchiveEntry(tarEntry(name + "/", TYPE_DIRECTORY | EXECUTABLE, 0));
                        tar.closeArchiveEntry();
                    } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                        long size = Files.size(path);
                        tar.putArchiveEntry(tarEntry(name, TYPE_FILE | (isExecutable(path) ? EXECUTABLE : REGULAR),
                                size));
                        copy(path, tar);
                        tar.closeArchiveEntry();
                        files++;
                    } else {
                        skipped.accept(name + " (not a regular file)");
                    }
                }
            }
            return new BuildContext(bytes.toByteArray(), BuildContext.TAR_GZ, files);
        } catch (IOException e) {
            throw CliFailure.callFailed("cannot pack " + dir + ": " + e.getMessage());
        }
    }

    /** A zip as it is; any other file inside a zip as {@code bootstrap}, mode 0755. */
    public static BuildContext program(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliFailure.usage("no file " + file + ": give the program (or a zip with a bootstrap) to upload");
        }
        try {
            if (isZip(file)) {
                return new BuildContext(Files.readAllBytes(file), BuildContext.ZIP, -1);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
                ZipArchiveEntry entry = new ZipArchiveEntry("bootstrap");
                entry.setUnixMode(TYPE_FILE | EXECUTABLE);
                entry.setLastModifiedTime(FIXED_TIME);
                entry.setSize(Files.size(file));
                zip.putArchiveEntry(entry);
                copy(file, zip);
                zip.closeArchiveEntry();
            }
            return new BuildContext(bytes.toByteArray(), BuildContext.ZIP, 1);
        } catch (IOException e) {
            throw CliFailure.callFailed("cannot pack " + file + ": " + e.getMessage());
        }
    }

    static boolean isZip(Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            // A zip starts with a local file header, or, when empty, with the end of its central directory.
            return n == 4 && head[0] == 'P' && head[1] == 'K'
                    && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
        }
    }

    /** Forward slashes whatever the platform; relative by construction (relativize never yields .. here). */
    private static String entryName(Path relative) {
        List<String> parts = new ArrayList<>();
        relative.forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    private static TarArchiveEntry tarEntry(String name, int mode, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(mode);
        e.setSize(size);
        e.setModTime(FIXED_TIME);
        e.setIds(0, 0);
        e.setNames("", "");
        return e;
    }

    private static boolean isExecutable(Path path) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.getPosixFilePermissions(path).contains(PosixFilePermission.OWNER_EXECUTE);
        }
        return Files.isExecutable(path);
    }

    private static void copy(Path file, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
    }
}
