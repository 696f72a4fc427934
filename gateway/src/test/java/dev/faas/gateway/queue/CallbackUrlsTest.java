package dev.faas.gateway.queue;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CallbackUrlsTest {
    private static final String OWN_HOST = "a1b2c3d4e5f6";

    /** Name resolution from a table, never the network; remembers what it was asked. */
    private final Map<String, List<InetAddress>> names = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();

    private CallbackUrls urls(String... allowed) {
        return new CallbackUrls(List.of(allowed), List.of(OWN_HOST), host -> {
            lookups.add(host);
            return names.getOrDefault(host, List.of());
        });
    }

    private void resolves(String host, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(address(a));
        }
        names.put(host, list);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void assertRefused(CallbackUrls u, String url, String because) {
        String problem = u.problem(url);
        assertNotNull(problem, url + " should be refused");
        assertTrue(problem.contains(because), url + ": " + problem);
    }

    @Test
    void anOrdinaryHttpOrHttpsUrlIsAccepted() {
        CallbackUrls u = urls();
        assertNull(u.problem("https://hooks.example.com/done?job=7"));
        assertNull(u.problem("http://receiver:8080/callback"));
        assertNull(u.problem("HTTP://Hooks.Example.com./x"));
        assertNull(u.problem("http://10.0.3.4:8080/cb"), "a private address (another service) is fine");
        assertNull(u.problem("http://[2001:db8::5]/cb"));
    }

    @Test
    void onlyHttpAndHttpsWithAHostAreUrlsForACallback() {
        CallbackUrls u = urls();
        for (String url : new String[] {"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/",
                "javascript:alert(1)", "example.com/cb", "//example.com/cb"}) {
            assertRefused(u, url, "must be an http or https URL");
        }
        assertRefused(u, "http:///cb", "has no host");
        assertRefused(u, "http://exa mple.com/", "is not a URL");
        assertRefused(u, "http://bad_name.example/", "not a valid host name");
    }

    @Test
    void thePlatformsOwnServicesAreRefusedByEveryNameSwarmGivesThem() {
        CallbackUrls u = urls();
        for (String host : new String[] {"nats:4222", "nats:8222", "prometheus:9090", "alertmanager:9093",
                "registry:5000", "registry-door", "grafana:3000", "tasks.nats:8222", "tasks.prometheus", "NATS:8222",
                "nats.:8222"}) {
            assertRefused(u, "http://" + host + "/", "platform's own service");
        }
        // Swarm's <stack>_<service> names: java.net.URI reads no host in them, so they are refused as such.
        for (String host : new String[] {"faas_nats:4222", "faas_prometheus:9090", "faas_gateway:8080"}) {
            assertNotNull(u.problem("http://" + host + "/function/echo"), host);
        }
    }

    @Test
    void theGatewayIsReachableOnlyThroughItsFunctionRoutes() {
        CallbackUrls u = urls();
        for (String host : new String[] {"gateway:8080", "tasks.gateway:8080", "GATEWAY", OWN_HOST + ":8080"}) {
            assertNull(u.problem("http://" + host + "/function/next-step"), host);
            assertNull(u.problem("http://" + host + "/async-function/next-step?x=1"), host);
            for (String path : new String[] {"/system/functions", "/metrics", "/", "", "/function", "/functions/x",
                    "/async-function", "/healthz"}) {
                assertRefused(u, "http://" + host + path, "only /function/ and /async-function/ of the gateway");
            }
        }
    }

    @Test
    void aDockerDaemonsPortIsRefusedOnAnyHost() {
        CallbackUrls u = urls();
        assertRefused(u, "http://hooks.example.com:2375/containers/json", "Docker daemon's port (2375)");
        assertRefused(u, "https://10.0.0.1:2376/", "Docker daemon's port (2376)");
        assertRefused(u, "http://gateway:2375/function/x", "Docker daemon's port");
    }

    @Test
    void localhostIsRefusedByName() {
        CallbackUrls u = urls();
        for (String url : new String[] {"http://localhost/", "http://LOCALHOST:8080/cb", "http://app.localhost/",
                "http://localhost./cb"}) {
            assertRefused(u, url, "localhost");
        }
    }

    @Test
    void loopbackLinkLocalWildcardAndMulticastLiteralsAreRefusedInEverySpelling() {
        CallbackUrls u = urls();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("127.0.0.1", "loopback");
        cases.put("127.8.9.10:8080", "loopback");
        cases.put("2130706433", "loopback");
        cases.put("0x7f000001", "loopback");
        cases.put("0X7F000001", "loopback");
        cases.put("[::1]", "loopback");
        cases.put("[0:0:0:0:0:0:0:1]:8080", "loopback");
        cases.put("[::ffff:127.0.0.1]", "loopback");
        cases.put("169.254.169.254", "link-local");
        cases.put("2852039166", "link-local");
        cases.put("[fe80::1]", "link-local");
        cases.put("[::ffff:a9fe:a9fe]", "link-local");
        cases.put("0.0.0.0", "wildcard");
        cases.put("0", "wildcard");
        cases.put("[::]", "wildcard");
        cases.put("224.0.0.1", "multicast");
        cases.put("[ff02::1]", "multicast");
        cases.forEach((host, kind) -> assertRefused(u, "http://" + host + "/latest/meta-data/", "a " + kind + " address"));
    }

    @Test
    void theAllowListExemptsAHostFromEveryRule() {
        CallbackUrls u = urls("nats", "127.0.0.1", "hooks.internal", "::1");
        assertNull(u.problem("http://nats:8222/healthz"));
        assertNull(u.problem("http://127.0.0.1:9000/cb"));
        assertNull(u.problem("http://hooks.internal:2375/cb"));
        assertNull(u.problem("http://[::1]:8080/cb"));
        assertRefused(u, "http://tasks.nats:8222/", "platform's own service");
        assertRefused(u, "http://127.0.0.2/", "loopback");
    }

    @Test
    void aNameResolvingToLoopbackOrLinkLocalIsRefusedBeforePosting() {
        resolves("evil.example", "203.0.113.9", "127.0.0.1");
        resolves("metadata.example", "169.254.169.254");
        CallbackUrls u = urls();
        assertNull(u.problem("http://evil.example/cb"), "by name it looks fine");
        CallbackUrls.Refused r = assertThrows(CallbackUrls.Refused.class,
                () -> u.checkBeforePosting("http://evil.example/cb"));
        assertEquals("the callback host evil.example resolves to a loopback address", r.getMessage());
        r = assertThrows(CallbackUrls.Refused.class, () -> u.checkBeforePosting("http://metadata.example/"));
        assertTrue(r.getMessage().contains("link-local"), r.getMessage());
    }

    @Test
    void aNameResolvingToAPlatformServicesAddressIsRefusedBeforePosting() {
        resolves("nats", "10.0.1.2");
        resolves("prometheus", "10.0.1.3");
        resolves("sneaky.example", "10.0.1.3");
        CallbackUrls u = urls();
        CallbackUrls.Refused r = assertThrows(CallbackUrls.Refused.class,
                () -> u.checkBeforePosting("http://sneaky.example:9090/api/v1/admin/tsdb/snapshot"));
        assertTrue(r.getMessage().contains("platform service's address"), r.getMessage());
    }

    /** Swarm gives each service a VIP (nats) and task addresses (tasks.nats); the gateway's container has its own. */
    @Test
    void aNameResolvingToAPlatformTaskOrToTheGatewaysContainerIsRefusedBeforePosting() {
        resolves("nats", "10.0.1.2");
        resolves("tasks.nats", "10.0.1.7");
        resolves(OWN_HOST, "10.0.1.9");
        resolves("evil.example", "10.0.1.7");
        resolves("own.example", "10.0.1.9");
        CallbackUrls u = urls();
        assertThrows(CallbackUrls.Refused.class, () -> u.checkBeforePosting("http://evil.example:8222/"));
        assertThrows(CallbackUrls.Refused.class, () -> u.checkBeforePosting("http://own.example:8080/system/functions"));
    }

    @Test
    void aNameResolvingToOrdinaryAddressesMayBePosted() {
        resolves("nats", "10.0.1.2");
        resolves("hooks.example.com", "203.0.113.5", "2001:db8::5");
        CallbackUrls u = urls();
        assertDoesNotThrow(() -> u.checkBeforePosting("https://hooks.example.com/done"));
        assertDoesNotThrow(() -> u.checkBeforePosting("http://nowhere.example/"), "no address: the post just fails");
        assertTrue(lookups.contains("hooks.example.com"));
    }

    @Test
    void whatTheNameCheckRefusesIsRefusedBeforePostingToo() {
        CallbackUrls u = urls();
        for (String url : new String[] {"http://localhost/", "ftp://x.example/", "http://nats:4222/",
                "http://0x7f000001/", "http://gateway:8080/system/functions"}) {
            CallbackUrls.Refused r = assertThrows(CallbackUrls.Refused.class, () -> u.checkBeforePosting(url), url);
            assertEquals(u.problem(url), r.getMessage());
        }
    }

    @Test
    void allowedHostsAndAddressesAndTheGatewaysFunctionRoutesArePosted() {
        resolves("nats", "10.0.1.2");
        resolves("hooks.internal", "127.0.0.1");
        resolves("partner.example", "10.0.1.2");
        CallbackUrls u = urls("hooks.internal", "10.0.1.2");
        assertDoesNotThrow(() -> u.checkBeforePosting("http://hooks.internal/cb"));
        assertDoesNotThrow(() -> u.checkBeforePosting("http://partner.example/cb"), "its address is allowed");
        lookups.clear();
        assertDoesNotThrow(() -> u.checkBeforePosting("http://gateway:8080/function/next"));
        assertDoesNotThrow(() -> u.checkBeforePosting("http://" + OWN_HOST + ":8080/async-function/next"));
        assertEquals(List.of(), lookups, "the gateway's own names are not resolved");
    }

    @Test
    void aRefusalIsRecognisedThroughCompletionExceptions() {
        CallbackUrls.Refused refused = new CallbackUrls.Refused("no");
        assertTrue(CallbackUrls.isRefusal(refused));
        assertTrue(CallbackUrls.isRefusal(new CompletionException(new CompletionException(refused))));
        assertFalse(CallbackUrls.isRefusal(new CompletionException(new java.io.IOException("reset"))));
        assertFalse(CallbackUrls.isRefusal(new CompletionException(null)));
    }

    @Test
    void logLinesShowOnlyTheHostNeverCredentials() {
        assertEquals("hooks.example.com", CallbackUrls.hostOf("https://user:secret@hooks.example.com/x?token=t"));
        assertEquals("(no host)", CallbackUrls.hostOf("mailto:a@b"));
        assertEquals("(not a URL)", CallbackUrls.hostOf("http://exa mple.com/"));
    }
}
