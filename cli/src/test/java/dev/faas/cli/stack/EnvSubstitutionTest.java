package dev.faas.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
    @Test
    void bracedVariablesAreReplacedAndBareOnesKept() {
        Map<String, String> env = Map.of("A", "1", "EMPTY", "", "DOLLAR", "$x\\y");
        assertEquals("1 $A  d d $x\\y", EnvSubstitution.apply("${A} $A ${UNSET} ${UNSET:-d} ${EMPTY:-d} ${DOLLAR}", env));
        assertEquals("1-", EnvSubstitution.apply("${A:-z}-${EMPTY}", env));
    }
}
