package dev.faas.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.cli.CliFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandHelpersTest {
    @Test
    void keyValuesKeepTheirOrderAndEqualsSignsInValues() {
        assertEquals(Map.of("a", "1", "b", "x=y"), KeyValues.parse(List.of("a=1", "b=x=y"), "--header"));
        assertEquals(List.of("a", "b"), List.copyOf(KeyValues.parse(List.of("a=1", "b=2"), "--env").keySet()));
        assertThrows(CliFailure.class, () -> KeyValues.parse(List.of("novalue"), "--query"));
        assertThrows(CliFailure.class, () -> KeyValues.parse(List.of("=v"), "--query"));
    }

    @Test
    void theHandlerIsWrittenRelativeToTheFilesDirectory() {
        assertEquals("./hello", NewCommand.handlerPath(Path.of("/work"), Path.of("/work/hello")));
        assertEquals("../hello", NewCommand.handlerPath(Path.of("/work/conf"), Path.of("/work/hello")));
    }

    @Test
    void aPasswordOnStdinLosesItsLineEnd() {
        assertEquals("s3cret", LoginCommand.firstLine("s3cret\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("s3cret", LoginCommand.firstLine("s3cret\r\nmore".getBytes(StandardCharsets.UTF_8)));
        assertEquals("s3cret", LoginCommand.firstLine("s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSecretFromStdinLosesOneTrailingNewlineOnly() {
        assertArrayEquals("v".getBytes(), SecretCommand.Create.withoutTrailingNewline("v\n".getBytes()));
        assertArrayEquals("v\n".getBytes(), SecretCommand.Create.withoutTrailingNewline("v\n\n".getBytes()));
        assertArrayEquals("v".getBytes(), SecretCommand.Create.withoutTrailingNewline("v\r\n".getBytes()));
    }

    @Test
    void aLogLineIsPrintedInFaasCliPlainFormat() {
        assertEquals("2024-01-31T12:00:00Z fn (0123456789ab) hello",
                LogsCommand.plain("{\"name\":\"fn\",\"instance\":\"0123456789abcdef\",\"timestamp\":\"2024-01-31T12:00:00Z\",\"text\":\"hello\"}"));
        assertEquals("not json", LogsCommand.plain("not json"));
    }

    @Test
    void resultLinesSayWhatHappened() {
        assertEquals("fn: created faas/fn (built in 4.2s)  http://gw/function/fn",
                new Release.Result("fn", "faas/fn", true, "created", 4.2, "http://gw/function/fn").line());
        assertEquals("fn: unchanged (nothing to build)  http://gw/function/fn",
                new Release.Result("fn", "faas/fn", false, "unchanged", 0.3, "http://gw/function/fn").line());
        assertEquals("fn: built faas/fn in 4.2s (not deployed)",
                new Release.Result("fn", "faas/fn", true, "built", 4.2, "http://gw/function/fn").line());
    }
}
