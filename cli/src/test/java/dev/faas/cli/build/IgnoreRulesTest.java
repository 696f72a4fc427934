package dev.faas.cli.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class IgnoreRulesTest {
    private final IgnoreRules rules = IgnoreRules.parse(List.of(
            "# comment", "", "/node_modules", "**/*.pyc", "build/", "secret?.txt", "!build/keep"));

    @Test
    void aRuleOnADirectoryLeavesOutAllBelowIt() {
        assertTrue(rules.leavesOut(Path.of("node_modules")));
        assertTrue(rules.leavesOut(Path.of("node_modules/a/b.js")));
        assertTrue(rules.leavesOut(Path.of("build/out.bin")));
        assertFalse(rules.leavesOut(Path.of("src/node_modules.txt")));
    }

    @Test
    void globsNegationAndTheLastMatchWins() {
        assertTrue(rules.leavesOut(Path.of("pkg/sub/x.pyc")));
        assertTrue(rules.leavesOut(Path.of("x.pyc")), "**/ matches at the top too, as in Docker");
        assertTrue(rules.leavesOut(Path.of("secret1.txt")));
        assertFalse(rules.leavesOut(Path.of("secret10.txt")));
        assertFalse(rules.leavesOut(Path.of("build/keep")));
        assertFalse(rules.leavesOut(Path.of("main.py")));
    }
}
