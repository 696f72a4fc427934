package dev.faas.gateway.build;

import dev.faas.common.Printable;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an uploaded build context (zip, tar or gzipped tar, told apart by their first bytes) into an empty
 * directory, refusing what could reach outside it or exhaust the machine: absolute paths and {@code ..}, links of any
 * kind (a link is the way out of a context that passed the path check), devices and FIFOs, more files or more bytes
 * than the limits. Bytes are counted as they are written, never taken from an entry's header, so a zip bomb stops at
 * the limit. Only the owner's execute bit of a mode survives (0755 or 0644): a {@code bootstrap} stays executable,
 * nothing becomes setuid.
 */
public final class Archives {
    /** What an archive may unpack to. */
    public record Limits(long maxUnpackedBytes, int maxFiles) {}

    private Archives() {}

    /**
     * Unpacks {@code archive} into {@code into} (which must exist and be empty); returns the bytes unpacked. A damaged
     * archive (bad compressed data, a truncated file, a name used as both file and directory) is a 400.
     */
    public static long unpack(Path archive, Path into, Limits limits) throws BuildException, IOException {
        try {
            return unpackChecked(archive, into, limits);
        } catch (java.nio.file.FileSystemException e) {
            if (e.getFile() != null && e.getFile().startsWith(into.toString())) {
                throw BuildException.invalid("the archive cannot be unpacked: " + e.getMessage());
            }
            throw e;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw BuildException.invalid("the archive is damaged: " + e.getMessage());
        } catch (IOException e) {
            if (e.getClass().getName().startsWith("org.apache.commons.compress")
                    || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("corrupt")
                    || String.valueOf(e.getMessage()).contains("Truncated")) {
                throw BuildException.invalid("the archive is damaged: " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * The entry count a zip's end-of-central-directory record declares (the last 22 bytes, or up to 64 KiB before
     * them when the zip has a comment); {@code Long.MAX_VALUE} for a ZIP64 archive, which declares more than 65,535.
     */
    static long declaredEntries(Path zip) throws IOException, BuildException {
        long size = Files.size(zip);
        int tail = (int) Math.min(size, 22 + 65_535);
        byte[] b = new byte[tail];
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(zip)) {
            ch.position(size - tail);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // read the whole tail
            }
        }
        for (int i = tail - 22; i >= 0; i--) {
            if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 0x05 && b[i + 3] == 0x06) {
                int total = (b[i + 10] & 0xff) | (b[i + 11] & 0xff) << 8;
                return total == 0xffff ? Long.MAX_VALUE : total;
            }
        }
        throw BuildException.invalid("the zip has no end of central directory: it is truncated or not a zip");
    }

    private static long unpackChecked(Path archive, Path into, Limits limits) throws BuildException, IOException {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(archive)) {
            n = in.readNBytes(magic, 0, 4);
        }
        if (n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            return unzip(archive, into, limits);
        }
        if (n == 0) {
            throw BuildException.invalid("the build context is empty: send a zip, a tar or a gzipped tar");
        }
        boolean gzip = n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
             InputStream in = gzip ? new GzipCompressorInputStream(raw) : raw) {
            return untar(in, into, limits);
        }
    }

    private static long unzip(Path archive, Path into, Limits limits) throws BuildException, IOException {
        Counter count = new Counter(limits);
        long declared = declaredEntries(archive);
        if (declared > limits.maxFiles()) {
            // Refused before the central directory is read: its entries, held in memory, could exhaust the heap.
            throw BuildException.tooLarge("the archive holds more than " + limits.maxFiles()
                    + " files and directories (build_max_files)");
        }
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(archive).get();
        } catch (IOException e) {
            throw BuildException.invalid("the zip cannot be read: " + e.getMessage());
        }
        try (zip) {
            for (Enumeration<ZipArchiveEntry> entries = zip.getEntries(); entries.hasMoreElements(); ) {
                ZipArchiveEntry e = entries.nextElement();
                Path target = inside(into, e.getName());
                if (e.isUnixSymlink()) {
                    throw BuildException.invalid("the archive holds a link (" + printable(e.getName())
                            + "): links are refused, pack the file itself");
                }
                count.file(e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    write(in, target, count, executable(e.getUnixMode()));
                }
            }
        }
        return count.bytes;
    }

    private static long untar(InputStream raw, Path into, Limits limits) throws BuildException, IOException {
        Counter count = new Counter(limits);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry e;
            while ((e = nextTarEntry(tar)) != null) {
                Path target = inside(into, e.getName());
                if (e.isSymbolicLink() || e.isLink()) {
                    throw BuildException.invalid("the archive holds a link (" + printable(e.getName()) + " -> "
                            + printable(e.getLinkName()) + "): links are refused, pack the file itself");
                }
                count.file(e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                // isFile() is also true of FIFOs and devices in commons-compress: ask for those first.
                if (e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice() || !e.isFile()) {
                    throw BuildException.invalid("the archive holds " + printable(e.getName())
                            + ", which is not a file or a directory (a device or FIFO)");
                }
                Files.createDirectories(target.getParent());
                write(tar, target, count, executable(e.getMode()));
            }
        }
        return count.bytes;
    }

    private static TarArchiveEntry nextTarEntry(TarArchiveInputStream tar) throws BuildException {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw BuildException.invalid("the archive is neither a zip nor a readable tar: " + e.getMessage());
        }
    }

    /** The entry's place under {@code root}; an absolute or escaping name is refused before anything is written. */
    static Path inside(Path root, String name) throws BuildException {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            throw BuildException.invalid("the archive holds an absolute path (" + printable(name) + "): paths must be"
                    + " relative to the context's root");
        }
        Path target = root.resolve(n).normalize();
        if (!target.startsWith(root) || target.equals(root) && !n.replace("./", "").replace("/", "").isEmpty()) {
            throw BuildException.invalid("the archive holds a path that leaves it (" + printable(name)
                    + "): \"..\" is refused");
        }
        return target;
    }

    private static boolean executable(int mode) {
        return (mode & 0100) != 0;
    }

    private static void write(InputStream in, Path target, Counter count, boolean executable)
            throws BuildException, IOException {
        if (Files.exists(target)) {
            throw BuildException.invalid("the archive holds " + printable(target.getFileName().toString())
                    + " twice");
        }
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int r; (r = in.read(buffer)) > 0; ) {
                count.bytes(r);
                out.write(buffer, 0, r);
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    /** A caller's text made safe to echo in one line. */
    static String printable(String text) {
        return Printable.of(text, 100);
    }

    private static final class Counter {
        private final Limits limits;
        private long bytes;
        private int files;

        Counter(Limits limits) {
            this.limits = limits;
        }

        void file(String name) throws BuildException {
            if (++files > limits.maxFiles()) {
                throw BuildException.tooLarge("the archive holds more than " + limits.maxFiles()
                        + " files (build_max_files)");
            }
        }

        void bytes(int n) throws BuildException {
            bytes += n;
            if (bytes > limits.maxUnpackedBytes()) {
                throw BuildException.tooLarge("the archive unpacks to more than " + limits.maxUnpackedBytes()
                        + " bytes (build_max_unpacked)");
            }
        }
    }
}
