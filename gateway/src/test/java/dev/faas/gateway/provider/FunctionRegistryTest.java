package dev.faas.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {
    private static Function fn(String id, String name, String service, int ready) {
        List<Replica> rs = new ArrayList<>();
        for (int i = 0; i < ready; i++) {
            rs.add(new Replica(id + i, "", URI.create("http://10.0.0." + i + ":8080/")));
        }
        return new Function(id, name, service, ready, rs);
    }

    @Test
    void aFunctionResolvesByItsNameAndByItsFullServiceName() {
        FunctionRegistry r = new FunctionRegistry();
        r.replaceAll(List.of(fn("s1", "catservice", "faas_catservice", 1)));
        assertEquals("s1", r.find("catservice").id());
        assertEquals("s1", r.find("faas_catservice").id());
        assertNull(r.find("faas"));
    }

    @Test
    void listenersHearAdditionsChangesAndRemovals() {
        FunctionRegistry r = new FunctionRegistry();
        List<String> heard = new ArrayList<>();
        r.addListener((before, after) -> heard.add((before == null ? "-" : before.replicas().size()) + ">"
                + (after == null ? "-" : after.replicas().size())));
        r.put(fn("s1", "a", "a", 1));
        r.put(fn("s1", "a", "a", 1));
        r.put(fn("s1", "a", "a", 2));
        r.replaceAll(List.of());
        assertEquals(List.of("->1", "1>2", "2>-"), heard);
        assertNull(r.find("a"));
    }
}
