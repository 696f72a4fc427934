package dev.faas.cli.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextPackerTest {
    @TempDir
    Path dir;

    private record Entry(String name, int mode, String content) {}

    @Test
    void aDirectoryBecomesATarOfRelativePathsWithItsModes() throws IOException {
        Files.writeString(dir.resolve("Dockerfile"), "FROM faas/watchdog\n");
        Files.createDirectories(dir.resolve("bin"));
        Path run = Files.writeString(dir.resolve("bin/run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(dir.resolve("empty"));

        BuildContext context = ContextPacker.directory(dir, s -> {});
        assertEquals(BuildContext.TAR_GZ, context.contentType());
        assertEquals(2, context.files());
        List<Entry> entries = untar(context.bytes());
        assertEquals(List.of("Dockerfile", "bin/", "bin/run.sh", "empty/"), entries.stream().map(Entry::name).toList());
        Map<String, Entry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        assertEquals(0644, byName.get("Dockerfile").mode() & 07777);
        assertEquals(0755, byName.get("bin/run.sh").mode() & 07777, "the owner's x bit makes it 0755");
        assertEquals(0755, byName.get("bin/").mode() & 07777);
        assertEquals("#!/bin/sh\necho hi\n", byName.get("bin/run.sh").content());
        for (Entry e : entries) {
            assertFalse(e.name().startsWith("/") || e.name().contains(".."), e.name());
        }
    }

    @Test
    void theSameFilesGiveTheSameBytes() throws IOException {
        Files.writeString(dir.resolve("a"), "1");
        Files.writeString(dir.resolve("b"), "2");
        byte[] first = ContextPacker.directory(dir, s -> {}).bytes();
        Files.setLastModifiedTime(dir.resolve("a"), java.nio.file.attribute.FileTime.fromMillis(1));
        assertArrayEquals(first, ContextPacker.directory(dir, s -> {}).bytes(), "times and owners are fixed");
    }

    @Test
    void faasignoreLeavesFilesOutAndSymlinksAreSkippedWithAWord() throws IOException {
        Files.writeString(dir.resolve(".faasignore"), "# build output\ntarget/\n*.log\n!keep.log\n");
        Files.createDirectories(dir.resolve("target/classes"));
        Files.writeString(dir.resolve("target/classes/A.class"), "x");
        Files.writeString(dir.resolve("debug.log"), "x");
        Files.writeString(dir.resolve("keep.log"), "x");
        Files.writeString(dir.resolve("main.py"), "x");
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("main.py"));
        List<String> skipped = new ArrayList<>();
        List<String> names = untar(ContextPacker.directory(dir, skipped::add).bytes()).stream().map(Entry::name).toList();
        assertEquals(List.of(".faasignore", "keep.log", "main.py"), names);
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).startsWith("link "), skipped.toString());
    }

    @Test
    void aProgramBecomesAnExecutableBootstrapAtTheRootOfAZip() throws IOException {
        Path program = Files.writeString(dir.resolve("my-program"), "#!/bin/sh\ncat\n");
        BuildContext context = ContextPacker.program(program);
        assertEquals(BuildContext.ZIP, context.contentType());
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(context.bytes())).get()) {
            List<ZipArchiveEntry> entries = java.util.Collections.list(zip.getEntries());
            assertEquals(1, entries.size());
            ZipArchiveEntry bootstrap = entries.get(0);
            assertEquals("bootstrap", bootstrap.getName());
            assertEquals(0755, bootstrap.getUnixMode() & 07777);
            assertEquals("#!/bin/sh\ncat\n", new String(zip.getInputStream(bootstrap).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aZipIsSentAsItIs() throws IOException {
        byte[] zip = ContextPacker.program(Files.writeString(dir.resolve("p"), "x")).bytes();
        Path file = Files.write(dir.resolve("fn.zip"), zip);
        BuildContext context = ContextPacker.program(file);
        assertEquals(BuildContext.ZIP, context.contentType());
        assertArrayEquals(zip, context.bytes());
    }

    private static List<Entry> untar(byte[] tgz) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.add(new Entry(e.getName(), e.getMode(), new String(tar.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        return entries;
    }
}
