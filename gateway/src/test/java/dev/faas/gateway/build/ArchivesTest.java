package dev.faas.gateway.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivesTest {
    private static final Archives.Limits LIMITS = new Archives.Limits(1024 * 1024, 100);

    @TempDir
    Path dir;

    @Test
    void aZipKeepsTheExecuteBitOfBootstrapAndNothingMore() throws Exception {
        Path zip = zip(e("bootstrap", "#!/bin/sh\ncat\n", 04755), e("data/readme.txt", "hi", 0600));
        Path out = Files.createDirectory(dir.resolve("out"));
        Archives.unpack(zip, out, LIMITS);
        assertEquals("rwxr-xr-x", perms(out.resolve("bootstrap")));
        assertEquals("rw-r--r--", perms(out.resolve("data/readme.txt")));
        assertEquals("hi", Files.readString(out.resolve("data/readme.txt")));
    }

    @Test
    void aZipSlipEntryIsRefusedAndNothingIsWrittenOutside() throws Exception {
        Path zip = zip(e("../../evil.sh", "boom", 0755));
        Path out = Files.createDirectory(dir.resolve("out"));
        BuildException e = assertThrows(BuildException.class, () -> Archives.unpack(zip, out, LIMITS));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("leaves it"), e.getMessage());
        assertFalse(Files.exists(dir.getParent().resolve("evil.sh")));
    }

    @Test
    void anAbsolutePathIsRefused() throws Exception {
        Path tar = tar(false, e("/etc/passwd", "x", 0644));
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(tar, Files.createDirectory(dir.resolve("out")), LIMITS));
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void aSymlinkInATarIsRefused() throws Exception {
        Path tar = dir.resolve("link.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarArchiveEntry link = new TarArchiveEntry("bootstrap", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc/shadow");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        }
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(tar, Files.createDirectory(dir.resolve("out")), LIMITS));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
    }

    @Test
    void aGzippedTarUnpacks() throws Exception {
        Path tgz = tar(true, e("Dockerfile", "FROM scratch\n", 0644), e("src/app.sh", "echo", 0755));
        Path out = Files.createDirectory(dir.resolve("out"));
        assertEquals(17, Archives.unpack(tgz, out, LIMITS));
        assertEquals("rwxr-xr-x", perms(out.resolve("src/app.sh")));
    }

    @Test
    void moreBytesThanTheLimitStopAtTheLimitWhateverTheHeaderSays() throws Exception {
        Path zip = zip(e("zeros", "\0".repeat(2 * 1024 * 1024), 0644));
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(zip, Files.createDirectory(dir.resolve("out")), LIMITS));
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("build_max_unpacked"), e.getMessage());
    }

    @Test
    void moreFilesThanTheLimitAreRefused() throws Exception {
        Entry[] many = new Entry[101];
        for (int i = 0; i < many.length; i++) {
            many[i] = e("f" + i, "x", 0644);
        }
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(zip(many), Files.createDirectory(dir.resolve("out")), LIMITS));
        assertEquals(413, e.status());
    }

    @Test
    void directoriesCountAsFilesAndAZipDeclaringTooManyIsRefusedBeforeItIsRead() throws Exception {
        Path tar = dir.resolve("dirs.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            for (int i = 0; i < 101; i++) {
                out.putArchiveEntry(new TarArchiveEntry("d" + i + "/"));
                out.closeArchiveEntry();
            }
        }
        assertEquals(413, assertThrows(BuildException.class,
                () -> Archives.unpack(tar, Files.createDirectory(dir.resolve("out")), LIMITS)).status());
        Entry[] many = new Entry[150];
        for (int i = 0; i < many.length; i++) {
            many[i] = e("f" + i, "", 0644);
        }
        Path zip = zip(many);
        assertEquals(150, Archives.declaredEntries(zip));
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(zip, Files.createDirectory(dir.resolve("out2")), LIMITS));
        assertTrue(e.getMessage().contains("build_max_files"), e.getMessage());
    }

    @Test
    void aFifoOrADeviceIsRefused() throws Exception {
        Path tar = dir.resolve("fifo.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            out.putArchiveEntry(new TarArchiveEntry("pipe", TarArchiveEntry.LF_FIFO));
            out.closeArchiveEntry();
        }
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(tar, Files.createDirectory(dir.resolve("out")), LIMITS));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
    }

    @Test
    void aDamagedArchiveIsA400() throws Exception {
        Path zip = zip(e("bootstrap", "x".repeat(5000), 0755));
        byte[] bytes = Files.readAllBytes(zip);
        for (int i = 40; i < 120; i++) {
            bytes[i] = (byte) 0xff; // inside the deflated data
        }
        Files.write(zip, bytes);
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(zip, Files.createDirectory(dir.resolve("out")), LIMITS));
        assertEquals(400, e.status());
    }

    @Test
    void somethingThatIsNoArchiveIsA400() throws Exception {
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "this is not an archive at all, just text that goes on ".repeat(20));
        BuildException e = assertThrows(BuildException.class,
                () -> Archives.unpack(junk, Files.createDirectory(dir.resolve("out")), LIMITS));
        assertEquals(400, e.status());
    }

    record Entry(String name, String text, int mode) {}

    static Entry e(String name, String text, int mode) {
        return new Entry(name, text, mode);
    }

    Path zip(Entry... entries) throws IOException {
        Path zip = Files.createTempFile(dir, "a", ".zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Entry en : entries) {
                ZipArchiveEntry z = new ZipArchiveEntry(en.name());
                z.setUnixMode(0100000 | en.mode());
                out.putArchiveEntry(z);
                out.write(en.text().getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    Path tar(boolean gzip, Entry... entries) throws IOException {
        Path tar = Files.createTempFile(dir, "a", ".tar");
        try (OutputStream file = Files.newOutputStream(tar);
             OutputStream raw = gzip ? new GzipCompressorOutputStream(file) : file;
             TarArchiveOutputStream out = new TarArchiveOutputStream(raw)) {
            for (Entry en : entries) {
                byte[] bytes = en.text().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry t = new TarArchiveEntry(en.name(), true);
                t.setMode(en.mode());
                t.setSize(bytes.length);
                out.putArchiveEntry(t);
                out.write(bytes);
                out.closeArchiveEntry();
            }
        }
        return tar;
    }

    private static String perms(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
