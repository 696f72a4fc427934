package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faas.e2e.DashboardQueries.PanelQuery;
import dev.faas.e2e.PrometheusApi.Sample;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system as a user meets it: scripts/up.sh brings the stack up (its own name and ports), then every sample
 * function is called by every route, Prometheus's query API counts the calls, every dashboard query has data, a
 * second scripts/up.sh updates the stack, and a taken port stops a bring-up with a message. A gentle background
 * traffic (1 call/s per function, far below the autoscaling threshold) keeps rates non-zero for the dashboard.
 */
class StackEndToEndIT {

    /** How to call each sample function and what its answer must show. */
    private record Probe(String body, Predicate<String> answer, String expected) {}

    private static final Map<String, Probe> PROBES = Map.ofEntries(
            Map.entry("catservice", new Probe("hello faas", "hello faas"::equals, "the body back")),
            Map.entry("echoit", new Probe("x", a -> a.contains("Http_Method=POST"), "its Http_* environment")),
            Map.entry("wordcount", new Probe("one two three", a -> a.trim().matches("0\\s+3\\s+13"), "wc's counts 0 3 13")),
            Map.entry("base64", new Probe("hello faas", a -> a.trim().equals("aGVsbG8gZmFhcw=="), "the body in base64")),
            Map.entry("HostnameIntent", new Probe("", a -> a.contains("My hostname is "), "an Alexa answer naming its host")),
            Map.entry("sleep", new Probe("0", a -> a.startsWith("slept 0s"), "slept 0s")),
            Map.entry("nodeinfo", new Probe("", a -> a.contains("cpus: "), "the node's CPUs")),
            Map.entry("hello-java", new Probe("faas", a -> a.startsWith("Hello, faas (call "), "a greeting from its warm JVM")),
            Map.entry("hello-lambda-shell", new Probe("{\"hi\":1}", "Echoing request: '{\"hi\":1}'"::equals,
                    "AWS's tutorial handler's echo, through its bootstrap in mode=lambda")),
            Map.entry("hello-lambda-java", new Probe("{\"name\":\"faas\"}", a -> a.contains("\"greeting\":\"hello faas\""),
                    "a RequestHandler's answer through AWS's runtime interface client")));

    private static BringUp stack;
    private static String upOutput;
    private static GatewayClient gateway;
    private static PrometheusApi prometheus;
    private static Traffic background;

    @BeforeAll
    static void bringUpTheStackWithTheRealScript() {
        stack = new BringUp("e2e");
        long started = System.nanoTime();
        upOutput = stack.upOrFail();
        System.out.printf("StackEndToEndIT: scripts/up.sh brought up the stack %s in %.1fs%n",
                stack.stack, (System.nanoTime() - started) / 1e9);
        gateway = new GatewayClient(stack.gatewayPort);
        prometheus = PrometheusApi.onLoopback(stack.prometheusPort);
        background = new Traffic(gateway);
        BringUp.FUNCTIONS.forEach(f -> background.call(f, 1, PROBES.get(f).body()));
    }

    @AfterAll
    static void removeTheStackWithItsSecrets() {
        if (background != null) {
            background.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theBringUpPrintsCurlLinesThatWorkAndThePasswordOnce() {
        List<String> curls = upOutput.lines().map(String::trim).filter(l -> l.startsWith("curl ")).toList();
        assertEquals(5, curls.size(), upOutput);
        Map<String, Predicate<String>> expected = Map.of(
                "/function/catservice", "hello faas"::equals,
                "X-Function: wordcount", a -> a.trim().matches("0\\s+3\\s+13"),
                "HostnameIntent", a -> a.contains("My hostname is "),
                "/metrics", a -> a.contains("gateway_function_invocation_total{"),
                "/system/functions", a -> a.contains("\"name\":\"catservice\""));
        for (String curl : curls) {
            Cli.Result r = Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(20), "bash", "-c", curl);
            String key = expected.keySet().stream().filter(curl::contains).findFirst()
                    .orElseThrow(() -> new AssertionError("an unexpected curl line: " + curl));
            assertTrue(r.ok() && expected.get(key).test(r.output()), curl + "\n  answered (" + r.exitCode() + "): " + r.output());
        }
        assertEquals(1, occurrences(upOutput, stack.password()), "the new password is printed exactly once:\n" + upOutput);
        assertTrue(upOutput.contains("Prometheus: http://127.0.0.1:" + stack.prometheusPort), upOutput);
    }

    @Test
    void everySampleFunctionAnswersAtItsPathAndThroughTheXFunctionHeader() {
        Set<String> deployed = new TreeSet<>();
        for (String service : Cli.docker("service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack.stack,
                "--filter", "label=function=true", "--format", "{{.Name}}").split("\n")) {
            deployed.add(service.substring(stack.stack.length() + 1));
        }
        assertEquals(new TreeSet<>(PROBES.keySet()), deployed, "every function of stack.yml needs a probe here");
        StringBuilder failures = new StringBuilder();
        for (String f : BringUp.FUNCTIONS) {
            Probe probe = PROBES.get(f);
            check(failures, f + " at /function/" + f, gateway.byPath(f, probe.body()), probe);
            check(failures, f + " by X-Function", gateway.byHeader(f, probe.body()), probe);
        }
        assertEquals("", failures.toString());
    }

    @Test
    void anAlexaRequestForHostnameIntentIsAnsweredByAReplicaOfThatService() {
        assertAnsweredBy(stack, gateway.byAlexa("HostnameIntent"));
    }

    /** The intent names the function verbatim, whatever it is; each gets the Alexa JSON as its body. */
    @Test
    void anAlexaRequestReachesEverySampleFunctionItNames() throws Exception {
        StringBuilder failures = new StringBuilder();
        for (String f : BringUp.FUNCTIONS) {
            HttpResponse<String> r = gateway.byAlexa(f);
            boolean reached = switch (f) {
                case "catservice" -> r.statusCode() == 200 && r.body().contains("\"intent\":{\"name\":\"catservice\"}");
                // sleep wants a number of seconds, and its own error says so
                case "sleep" -> r.statusCode() == 500 && r.body().contains("give the seconds to sleep");
                default -> r.statusCode() == 200;
            };
            if (!reached) {
                failures.append(f).append(": ").append(r.statusCode()).append(' ').append(r.body()).append('\n');
            }
        }
        assertEquals("", failures.toString());
    }

    @Test
    void prometheusCountsTheInvocationsOfEveryFunction() {
        Map<String, Integer> atLeast = new HashMap<>();
        background.answers().forEach((k, n) -> atLeast.merge(k.substring(0, k.indexOf(' ')), n, Integer::sum));
        for (String f : BringUp.FUNCTIONS) {
            for (int i = 0; i < 3; i++) {
                assertAnswers(stack, gateway, f);
            }
            atLeast.merge(f, 3, Integer::sum);
        }
        List<Sample> counts = prometheus.await("sum by (function_name) (gateway_function_invocation_total)",
                samples -> BringUp.FUNCTIONS.stream().allMatch(f -> samples.stream().anyMatch(s ->
                        s.label("function_name").equals(f) && s.value() >= atLeast.get(f))),
                Duration.ofSeconds(30));
        System.out.println("StackEndToEndIT: invocation counts in Prometheus " + counts + ", at least " + atLeast);
        String functions = gateway.get("/system/functions", "admin", stack.password()).body();
        for (String f : BringUp.FUNCTIONS) {
            assertTrue(functions.contains("\"name\":\"" + f + "\""), f + " missing from /system/functions: " + functions);
        }
    }

    @Test
    void everyDashboardQueryAnswersWithDataForEveryCalledFunction() {
        Set<String> all = new TreeSet<>(BringUp.FUNCTIONS);
        prometheus.await("sum by (function_name) (rate(gateway_function_invocation_total[1m])) > 0",
                samples -> functionsIn(samples).containsAll(all), Duration.ofSeconds(45));
        List<PanelQuery> queries = DashboardQueries.from(ProjectFiles.file("prometheus/grafana/dashboards/faas.json"));
        assertFalse(queries.isEmpty());
        StringBuilder failures = new StringBuilder();
        for (PanelQuery q : queries) {
            List<Sample> samples;
            try {
                samples = prometheus.query(q.expr());
            } catch (IllegalArgumentException e) {
                failures.append(q).append("\n  -> ").append(e.getMessage()).append('\n');
                continue;
            }
            if (samples.isEmpty()) {
                failures.append(q).append("\n  -> no data\n");
            }
            if (q.expr().contains("function_name") && !functionsIn(samples).containsAll(all)) {
                failures.append(q).append("\n  -> not every function of ").append(all).append(": ").append(samples).append('\n');
            }
            samples.stream().filter(s -> !Double.isFinite(s.value()))
                    .forEach(s -> failures.append(q).append("\n  -> not a finite value: ").append(s).append('\n'));
        }
        assertEquals("", failures.toString());
    }

    @Test
    void runningTheBringUpAgainUpdatesTheStackAndLeavesItWorking() {
        long started = System.nanoTime();
        Cli.Result again = stack.up();
        System.out.printf("StackEndToEndIT: the second scripts/up.sh took %.1fs%n", (System.nanoTime() - started) / 1e9);
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("updating the stack " + stack.stack), again.output());
        assertTrue(again.output().contains("is up in"), again.output());
        assertEquals(0, occurrences(again.output(), stack.password()), "the password is not printed again:\n" + again.output());
        for (String f : BringUp.FUNCTIONS) {
            assertAnswers(stack, gateway, f);
        }
    }

    @Test
    void aGatewayPortTakenByAnotherProgramStopsTheBringUpWithWhatToDo() throws IOException {
        BringUp other = new BringUp("e2eport");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); other) {
            int port = taken.getLocalPort();
            Cli.Result r = other.up(Map.of("GATEWAY_PORT", Integer.toString(port)));
            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("port " + port + " is taken"), r.output());
            assertTrue(r.output().contains("GATEWAY_PORT="), "says how to choose another port:\n" + r.output());
            assertNothingDeployed(other);
        }
    }

    @Test
    void aGatewayPortPublishedByAnotherStackIsNamedInTheMessage() {
        try (BringUp other = new BringUp("e2eport")) {
            Cli.Result r = other.up(Map.of("GATEWAY_PORT", Integer.toString(stack.gatewayPort)));
            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("published by the service " + stack.service("gateway")), r.output());
            assertNothingDeployed(other);
        }
    }

    /**
     * Two stacks on one swarm with functions of the same names (a user's stack while the tests run, say): each
     * gateway routes only to the functions on its own network.
     */
    @Test
    void aSecondStackWithTheSameFunctionsServesOnlyItsOwn() {
        try (BringUp other = new BringUp("e2etwin")) {
            other.upOrFail();
            GatewayClient theirs = new GatewayClient(other.gatewayPort);
            for (int i = 0; i < 6; i++) {
                assertAnsweredBy(stack, gateway.byAlexa("HostnameIntent"));
                assertAnsweredBy(other, theirs.byAlexa("HostnameIntent"));
            }
            for (String f : BringUp.FUNCTIONS) {
                assertAnswers(other, theirs, f);
            }
        }
    }

    /** 200 from the function; otherwise the answer and the service's tasks, for whoever reads the failure. */
    private static void assertAnswers(BringUp owner, GatewayClient client, String f) {
        HttpResponse<String> r = client.byPath(f, PROBES.get(f).body());
        if (r.statusCode() != 200) {
            fail(f + " answered " + r.statusCode() + " " + r.body() + "\ntasks of " + owner.service(f) + ":\n"
                    + Cli.docker("service", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}",
                    owner.service(f)));
        }
    }

    private static void assertAnsweredBy(BringUp owner, HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        Matcher host = Pattern.compile("My hostname is ([0-9a-f]{12})").matcher(answer.body());
        assertTrue(host.find(), answer.body());
        String containers = Cli.docker("ps", "--filter", "label=com.docker.swarm.service.name="
                + owner.service("HostnameIntent"), "--format", "{{.ID}}");
        assertTrue(containers.contains(host.group(1)), "hostname " + host.group(1) + " is not a container of "
                + owner.service("HostnameIntent") + ": " + containers);
    }

    private static void assertNothingDeployed(BringUp other) {
        assertEquals("", Cli.docker("service", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + other.stack));
        assertEquals("", Cli.docker("secret", "ls", "-q", "--filter", "name=" + other.stack + "_"));
    }

    private static void check(StringBuilder failures, String what, HttpResponse<String> answer, Probe probe) {
        if (answer.statusCode() != 200 || !probe.answer().test(answer.body())) {
            failures.append(what).append(": expected 200 with ").append(probe.expected()).append(", got ")
                    .append(answer.statusCode()).append(": ").append(answer.body()).append('\n');
        }
    }

    private static Set<String> functionsIn(List<Sample> samples) {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.label("function_name")));
        return names;
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
