package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.ManagementException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionsNetworkTest {
    @Test
    void theExactNameWins() throws Exception {
        assertEquals("functions", FunctionsNetwork.pick(List.of("faas_functions", "functions"), "functions", "faas"));
    }

    @Test
    void aStackDeployedGatewayFindsItsOwnStacksNetwork() throws Exception {
        List<String> names = List.of("other_functions", "faas_functions", "functions-old");
        assertEquals("faas_functions", FunctionsNetwork.pick(names, "functions", "faas"));
    }

    @Test
    void aSingleStackNetworkIsTakenWhenTheGatewaysStackIsUnknown() throws Exception {
        assertEquals("faas_functions", FunctionsNetwork.pick(List.of("faas_functions", "functionsx"), "functions", ""));
    }

    @Test
    void noneOrSeveralCandidatesSayWhatToSet() {
        ManagementException none = assertThrows(ManagementException.class,
                () -> FunctionsNetwork.pick(List.of("functionsx"), "functions", ""));
        assertTrue(none.getMessage().contains("docker network create -d overlay --attachable functions"));
        ManagementException several = assertThrows(ManagementException.class,
                () -> FunctionsNetwork.pick(List.of("a_functions", "b_functions"), "functions", "c"));
        assertTrue(several.getMessage().contains("[a_functions, b_functions]"), several.getMessage());
    }
}
