package dev.faas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitCodesTest {
    @Test
    void theCodesAreTheDocumentedOnes() {
        assertEquals(0, Exit.OK.code);
        assertEquals(1, Exit.CALL_FAILED.code);
        assertEquals(2, Exit.USAGE.code);
        assertEquals(3, Exit.UNREACHABLE.code);
        assertEquals(4, Exit.AUTH_REFUSED.code);
        assertEquals(5, Exit.BUILD_FAILED.code);
    }

    @Test
    void managementAnswersMapToCodes() {
        assertEquals(Exit.OK, Exit.forSystemStatus(200));
        assertEquals(Exit.OK, Exit.forSystemStatus(202));
        assertEquals(Exit.AUTH_REFUSED, Exit.forSystemStatus(401));
        assertEquals(Exit.AUTH_REFUSED, Exit.forSystemStatus(403));
        assertEquals(Exit.CALL_FAILED, Exit.forSystemStatus(404));
        assertEquals(Exit.CALL_FAILED, Exit.forSystemStatus(500));
        assertEquals(Exit.CALL_FAILED, Exit.forSystemStatus(302));
    }

    @Test
    void aFunctionsOwnRefusalIsACallThatFailedNotTheGatewaysCredentials() {
        assertEquals(Exit.OK, Exit.forFunctionStatus(204));
        assertEquals(Exit.CALL_FAILED, Exit.forFunctionStatus(401));
        assertEquals(Exit.CALL_FAILED, Exit.forFunctionStatus(500));
    }

    @Test
    void usageErrorsExitTwoBeforeAnythingIsSent() {
        assertEquals(2, Main.run());
        assertEquals(2, Main.run("list", "--no-such-option"));
        assertEquals(2, Main.run("invoke"));
        assertEquals(2, Main.run("no-such-command"));
        assertEquals(2, Main.run("scale", "fn"));
        assertEquals(2, Main.run("invoke", "not a name"));
        assertEquals(2, Main.run("logs", "fn", "--since", "yesterday"));
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, Main.run("--help"));
        assertEquals(0, Main.run("--version"));
        assertEquals(0, Main.run("list", "--help"));
    }

    @Test
    void aGatewayNobodyListensOnExitsThree() {
        // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
        assertEquals(3, Main.run("-g", "http://127.0.0.1:1", "list"));
        assertEquals(3, Main.run("describe", "fn", "--gateway", "http://127.0.0.1:1"));
    }

    @Test
    void theSubcommandIsFoundPastTheGlobalOptions() {
        assertEquals("list", FaasCommand.subcommandName("-g", "http://x", "--json", "list", "-v"));
        assertEquals("up", FaasCommand.subcommandName("--gateway=http://x", "-f", "stack.yml", "up"));
        assertEquals(null, FaasCommand.subcommandName("--json"));
    }
}
