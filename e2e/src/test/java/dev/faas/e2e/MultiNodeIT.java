package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stack on a real 3-node swarm ({@link MultiNodeSwarm}): brought up by scripts/up.sh against the nested manager
 * (DOCKER_HOST), with the project's images on the manager only, so every worker runs what it pulled from the stack's
 * registry. Then: routes reach replicas on every node, a function whose image exists only in that registry runs on
 * a worker, new replicas on workers are routed to within a second and lost ones dropped within a second, a call
 * from zero starts a replica on a worker, and a worker drained or killed under a steady stream costs no call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOSTNAME = Pattern.compile("My hostname is ([0-9a-f]{12})");
    private static final Map<String, String> IMAGES = Map.of("HostnameIntent", "hostname");
    private static final String PINNED = "mn-hostname";

    private MultiNodeSwarm swarm;
    private BringUp stack;
    private GatewayClient gw;
    private String password;
    private String registry;

    @BeforeAll
    void bringUp() {
        // faas/watchdog: the manager builds functions on it (the builder never pulls).
        List<String> images = new ArrayList<>(List.of("faas/gateway", "faas/prometheus", "faas/alertmanager", "faas/nats",
                "faas/watchdog"));
        BringUp.FUNCTIONS.forEach(f -> images.add("faas/" + IMAGES.getOrDefault(f, f)));
        long started = System.nanoTime();
        // Only the registry's own images go to every node: a registry cannot bring itself.
        swarm = MultiNodeSwarm.start(List.of("faas/registry"), images);
        double nodes = (System.nanoTime() - started) / 1e9;
        stack = new BringUp("mn");
        Cli.Result up = stack.up(Map.of("DOCKER_HOST", swarm.dockerHost(1), "FAAS_HOST", MultiNodeSwarm.MANAGER,
                "REGISTRY_IMAGE", "faas/registry:latest", "REGISTRY_DOOR_IMAGE", "faas/registry:latest",
                "FAAS_UP_TIMEOUT", "200"));
        assertTrue(up.ok(), "scripts/up.sh on the 3-node swarm failed:\n" + up.output());
        gw = new GatewayClient(MultiNodeSwarm.MANAGER, stack.gatewayPort);
        password = stack.password();
        registry = "127.0.0.1:" + stack.registryPort;
        System.out.printf("MultiNodeIT: 3 nodes with images in %.1fs, scripts/up.sh on them in %.1fs%n", nodes,
                (System.nanoTime() - started) / 1e9 - nodes);
    }

    @AfterAll
    void tearDown() {
        if (swarm != null) {
            swarm.close(); // the stack goes with its nodes
        }
    }

    @Test
    @Order(1)
    void theStackSpreadsOverTheWorkersAndEveryRouteReachesThem() {
        Set<String> nodesWithFunctions = new HashSet<>();
        for (String f : BringUp.FUNCTIONS) {
            for (JsonNode task : runningTasks(stack.service(f))) {
                nodesWithFunctions.add(nodeName(task));
                assertTrue(task.path("Spec").path("ContainerSpec").path("Image").asText().startsWith(registry + "/"),
                        f + " runs an image of the stack's registry: " + task.path("Spec").path("ContainerSpec"));
            }
            // "0": what every sample takes (sleep's seconds, too), but the Java Lambda handler, whose event is a map
            String body = f.equals("hello-lambda-java") ? "{}" : "0";
            HttpResponse<String> byPath = gw.byPath(f, body);
            assertEquals(200, byPath.statusCode(), f + " by path: " + byPath.body());
            assertEquals(200, gw.byHeader(f, body).statusCode(), f + " by X-Function");
        }
        HttpResponse<String> alexa = gw.byAlexa("HostnameIntent");
        assertTrue(alexa.statusCode() == 200 && alexa.body().contains("My hostname is"), alexa.body());
        assertTrue(nodesWithFunctions.containsAll(Set.of("faasnode2", "faasnode3")),
                "Swarm spread the functions over the workers, which pulled them from the registry: "
                        + nodesWithFunctions);
        System.out.println("MultiNodeIT: functions run on " + new TreeMap<>(countByNode()));
    }

    @Test
    @Order(2)
    void aFunctionWhoseImageIsOnlyInTheStacksRegistryRunsOnWorkers() {
        String image = registry + "/test/hostname:1";
        swarm.docker(1, "tag", "faas/hostname", image);
        swarm.docker(1, "push", image);
        swarm.docker(1, "rmi", image); // now only the registry has it under that name

        String nowhere = registry + "/test/nosuch:1";
        HttpResponse<String> missing = deploy("mn-nowhere", nowhere, Map.of());
        assertEquals(400, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("test/nosuch"), "the 400 names the image: " + missing.body());

        HttpResponse<String> deployed = deploy(PINNED, image,
                Map.of("com.openfaas.scale.min", "3", "com.openfaas.scale.max", "3"));
        assertEquals(202, deployed.statusCode(), deployed.body());
        await(PINNED + " answers", Duration.ofSeconds(120), () -> gw.byPath(PINNED, "x").statusCode() == 200);
        await(PINNED + " has 3 replicas", Duration.ofSeconds(120), () -> runningTasks(PINNED).size() == 3);
        for (JsonNode task : runningTasks(PINNED)) {
            assertTrue(nodeName(task).matches("faasnode[23]"), "constrained to workers: " + nodeName(task));
        }
    }

    @Test
    @Order(3)
    void replicasOnWorkersAreRoutedWithinASecondOfRunningAndDroppedWithinASecondOfDying() {
        Set<String> before = containers(PINNED).keySet();
        long wallOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        SteadyStream stream = new SteadyStream(url(PINNED), 30);
        swarm.docker(1, "service", "scale", "-d", PINNED + "=5");
        // When the gateway routes to 4 and to 5 replicas (wall clock, ns), polled as Swarm starts them.
        long[] routedAt = new long[6];
        await("5 replicas running and routed", Duration.ofSeconds(120), () -> {
            int routed = availableReplicas(PINNED);
            for (int k = 4; k <= Math.min(5, routed); k++) {
                if (routedAt[k] == 0) {
                    routedAt[k] = System.nanoTime() + wallOffset;
                }
            }
            return routed == 5 && runningTasks(PINNED).size() == 5;
        });
        sleep(Duration.ofSeconds(3));
        Map<String, Instant> runningSince = new HashMap<>();
        Map<String, String> onNode = new HashMap<>();
        for (JsonNode task : runningTasks(PINNED)) {
            String container = task.path("Status").path("ContainerStatus").path("ContainerID").asText();
            runningSince.put(container.substring(0, 12), Instant.parse(task.path("Status").path("Timestamp").asText()));
            onNode.put(container, nodeName(task));
        }
        // One of the new replicas dies on its worker: its container events never reach the manager.
        String victim = onNode.keySet().stream().filter(c -> !before.contains(c)).findFirst().orElseThrow();
        int victimNode = Integer.parseInt(onNode.get(victim).substring("faasnode".length()));
        long killing = System.nanoTime();
        swarm.docker(victimNode, "kill", victim);
        long killed = System.nanoTime();
        await("the gateway drops the killed replica", Duration.ofSeconds(10), () -> availableReplicas(PINNED) <= 4);
        double dropped = (System.nanoTime() - killed) / 1e9;
        sleep(Duration.ofSeconds(2));
        List<SteadyStream.Call> calls = stream.stop();

        Map<String, Long> firstAnswer = new HashMap<>();
        for (SteadyStream.Call c : calls) {
            Matcher m = HOSTNAME.matcher(c.body());
            if (c.status() == 200 && m.find()) {
                firstAnswer.merge(m.group(1), c.ended(), Math::min);
            }
        }
        // Routable: the k-th new replica Swarm reported running against the moment the gateway routed to 3 + k.
        List<Long> newRunning = new ArrayList<>();
        List<String> firstCalled = new ArrayList<>();
        for (Map.Entry<String, Instant> e : runningSince.entrySet()) {
            if (before.stream().anyMatch(c -> c.startsWith(e.getKey()))) {
                continue;
            }
            Instant running = e.getValue();
            long runningNanos = running.getEpochSecond() * 1_000_000_000L + running.getNano();
            newRunning.add(runningNanos);
            Long first = firstAnswer.get(e.getKey());
            assertTrue(first != null, "no call reached the new replica " + e.getKey());
            firstCalled.add(String.format("%.2fs", (first + wallOffset - runningNanos) / 1e9));
        }
        newRunning.sort(null);
        List<String> lags = new ArrayList<>();
        for (int k = 1; k <= newRunning.size(); k++) {
            double lag = (routedAt[3 + k] - newRunning.get(k - 1)) / 1e9;
            lags.add(String.format("%.2fs", lag));
            assertTrue(lag <= 1.0, "the gateway routed to replica " + (3 + k) + " only " + lag
                    + " s after Swarm reported it running");
        }
        List<SteadyStream.Call> failed = calls.stream().filter(c -> c.status() != 200).toList();
        List<SteadyStream.Call> inFlight = calls.stream().filter(c -> c.inFlightDuring(killing, killed)).toList();
        System.out.printf("MultiNodeIT: new replicas on workers routed %s after Swarm's \"running\" (negative: "
                + "before, through the gateway's own probe), first answered a call %s after it; a replica killed on "
                + "%s dropped after %.2fs; %d of %d calls failed; %d were in flight while it was killed%n", lags,
                firstCalled, onNode.get(victim), dropped, failed.size(), calls.size(), inFlight.size());
        assertTrue(dropped <= 1.0, "the killed replica was routed to for " + dropped + " s");
        // A call the killed replica had received cannot be sent again (it may have run): every other one succeeds.
        assertTrue(inFlight.containsAll(failed), "failed calls: " + failures(failed));
        swarm.docker(1, "service", "scale", "-d", PINNED + "=3");
        await("back to 3 replicas", Duration.ofSeconds(60), () -> runningTasks(PINNED).size() == 3);
    }

    @Test
    @Order(4)
    void aCallFromZeroStartsAReplicaOnAWorker() {
        String fn = "mn-zero";
        String image = registry + "/test/hostname:1";
        assertEquals(202, deploy(fn, image, Map.of("com.openfaas.scale.zero", "true")).statusCode());
        await(fn + " answers", Duration.ofSeconds(120), () -> gw.byPath(fn, "x").statusCode() == 200);
        assertEquals(200, gw.api("POST", "/system/scale-function/" + fn, "{\"serviceName\":\"" + fn
                + "\",\"replicas\":0}", "admin", password).statusCode());
        await(fn + " at zero", Duration.ofSeconds(60), () -> runningTasks(fn).isEmpty());
        long started = System.nanoTime();
        HttpResponse<String> first = gw.byPath(fn, "x");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(200, first.statusCode(), "the call is held until a replica answers: " + first.body());
        // Answered once its watchdog did: Swarm may still call the task "starting" (its health check runs every 2 s).
        List<JsonNode> tasks = new ArrayList<>(runningTasks(fn));
        tasks.addAll(tasks(fn, "starting"));
        assertEquals(1, tasks.size());
        assertTrue(nodeName(tasks.get(0)).matches("faasnode[23]"), "started on a worker: " + nodeName(tasks.get(0)));
        System.out.printf("MultiNodeIT: a call from zero was answered in %.2fs by a replica started on %s%n",
                seconds, nodeName(tasks.get(0)));
    }

    @Test
    @Order(5)
    void aWorkerDrainedAndBroughtBackUnderAStreamCostsNoCall() {
        String worker = busiestWorker();
        SteadyStream stream = new SteadyStream(url(PINNED), 10);
        sleep(Duration.ofSeconds(3));
        long drained = System.nanoTime();
        swarm.docker(1, "node", "update", "--availability", "drain", worker);
        await("the replicas left " + worker, Duration.ofSeconds(90),
                () -> runningTasks(PINNED).stream().noneMatch(t -> nodeName(t).equals(worker))
                        && runningTasks(PINNED).size() == 3);
        double moved = (System.nanoTime() - drained) / 1e9;
        swarm.docker(1, "node", "update", "--availability", "active", worker);
        sleep(Duration.ofSeconds(3));
        List<SteadyStream.Call> calls = stream.stop();
        long failed = calls.stream().filter(c -> c.status() != 200).count();
        System.out.printf("MultiNodeIT: drain of %s: replicas moved in %.1fs; %d of %d calls failed, slowest %.2fs%n",
                worker, moved, failed, calls.size(), slowest(calls));
        assertEquals(0, failed, "failed calls: " + failures(calls));
    }

    @Test
    @Order(6)
    void aWorkerKilledUnderAStreamCostsNoCallAndItsReplicasMove() {
        // Spread again over both workers (a drain left them on one), then kill the one with more.
        swarm.docker(1, "service", "update", "-q", "--force", PINNED);
        await("3 replicas on both workers", Duration.ofSeconds(90), () -> {
            Map<String, Integer> n = countOn(PINNED);
            return n.size() == 2 && n.values().stream().mapToInt(Integer::intValue).sum() == 3;
        });
        String worker = busiestWorker();
        int lost = countOn(PINNED).get(worker);
        SteadyStream stream = new SteadyStream(url(PINNED), 10);
        sleep(Duration.ofSeconds(5));
        long killing = System.nanoTime();
        swarm.kill(Integer.parseInt(worker.substring("faasnode".length())));
        long killed = System.nanoTime();
        await("the replicas run elsewhere", Duration.ofSeconds(90),
                () -> runningTasks(PINNED).stream().filter(t -> !nodeName(t).equals(worker)).count() == 3);
        double rescheduled = (System.nanoTime() - killed) / 1e9;
        sleep(Duration.ofSeconds(3));
        List<SteadyStream.Call> calls = stream.stop();
        List<SteadyStream.Call> inFlight = calls.stream().filter(c -> c.inFlightDuring(killing, killed)).toList();
        List<SteadyStream.Call> failed = calls.stream().filter(c -> c.status() != 200).toList();
        long slow = calls.stream().filter(c -> c.seconds() > 1).count();
        System.out.printf("MultiNodeIT: %s killed with %d of 3 replicas: %d of %d calls failed (%d in flight at the "
                        + "kill, of which %d failed), %d took over 1 s, slowest %.2fs; replicas running elsewhere "
                        + "after %.1fs%n", worker, lost, failed.size(), calls.size(), inFlight.size(),
                inFlight.stream().filter(c -> c.status() != 200).count(), slow, slowest(calls), rescheduled);
        // A call the dead node had already received cannot be sent again: it may have run there. Nor can one sent
        // on a kept-alive connection to it before the gateway saw the node go (within a second). Every later call
        // must succeed.
        long detected = killed + Duration.ofSeconds(1).toNanos();
        assertTrue(failed.stream().allMatch(c -> c.started() <= detected), "failed calls: " + failures(failed));

        swarm.startAgain(Integer.parseInt(worker.substring("faasnode".length())));
        await(worker + " back in the swarm", Duration.ofSeconds(90), () -> swarm.docker(1, "node", "ls", "--format",
                "{{.Hostname}} {{.Status}}").contains(worker + " Ready"));
        assertEquals(200, gw.byPath(PINNED, "x").statusCode(), "still routing after the worker came back");
    }

    // ---- helpers ----

    /**
     * A function built from code on the manager (POST /system/builds) runs on the workers: the gateway pushed its image
     * to the stack's registry, from which each worker pulled it.
     */
    @Test
    @Order(7)
    void aFunctionBuiltOnTheManagerRunsOnTheWorkers() throws Exception {
        java.nio.file.Path ctx = java.nio.file.Files.createTempDirectory("mn-build");
        try {
            java.nio.file.Files.writeString(ctx.resolve("Dockerfile"), "ARG WATCHDOG_IMAGE=faas/watchdog\n"
                    + "FROM ${WATCHDOG_IMAGE}\nENV fprocess=\"echo built here\"\n");
            Cli.Result tar = Cli.run(ctx, Map.of(), Duration.ofSeconds(30), "tar", "-czf", "ctx.tgz", "Dockerfile");
            assertTrue(tar.ok(), tar.output());
            String config = java.util.Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(Map.of(
                    "labels", Map.of("com.openfaas.scale.min", "2", "com.openfaas.scale.max", "2"),
                    "constraints", List.of("node.role == worker"))));
            Cli.Result built = Cli.run(ctx, Map.of(), Duration.ofSeconds(300), "curl", "-s", "-u", "admin:" + password,
                    "-H", "Content-Type: application/gzip", "-H", "X-Function-Config: " + config, "--data-binary",
                    "@ctx.tgz", "http://" + MultiNodeSwarm.MANAGER + ":" + stack.gatewayPort + "/system/builds?name=mn-built");
            assertTrue(built.ok() && built.output().contains("\"action\":\"created\""), built.output());
            await("mn-built answers", Duration.ofSeconds(120), () -> gw.byPath("mn-built", "").statusCode() == 200);
            assertEquals("built here\n", gw.byPath("mn-built", "").body());
            await("mn-built has 2 replicas", Duration.ofSeconds(120), () -> runningTasks("mn-built").size() == 2);
            for (JsonNode task : runningTasks("mn-built")) {
                assertTrue(nodeName(task).matches("faasnode[23]"), "on a worker: " + nodeName(task));
                assertTrue(task.path("Spec").path("ContainerSpec").path("Image").asText()
                        .startsWith(registry + "/faas-fn/mn-built:"), "from the stack's registry: "
                        + task.path("Spec").path("ContainerSpec").path("Image"));
            }
        } finally {
            Cli.run(ctx, Map.of(), Duration.ofSeconds(10), "rm", "-rf", ctx.toString());
        }
    }

    private HttpResponse<String> deploy(String name, String image, Map<String, String> labels) {
        Map<String, Object> body = Map.of("service", name, "image", image, "labels", labels,
                "constraints", List.of("node.role == worker"));
        try {
            return gw.api("POST", "/system/functions", JSON.writeValueAsString(body), "admin", password);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private URI url(String function) {
        return URI.create("http://" + MultiNodeSwarm.MANAGER + ":" + stack.gatewayPort + "/function/" + function);
    }

    private int availableReplicas(String function) {
        HttpResponse<String> r = gw.api("GET", "/system/function/" + function, null, "admin", password);
        try {
            return JSON.readTree(r.body()).path("availableReplicas").asInt(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The service's tasks Swarm reports running, as the Engine API's /tasks gives them. */
    private List<JsonNode> runningTasks(String service) {
        return tasks(service, "running");
    }

    /** The service's tasks that should run and are in {@code state}. */
    private List<JsonNode> tasks(String service, String state) {
        List<JsonNode> found = new ArrayList<>();
        try {
            for (JsonNode t : JSON.readTree(swarm.api(1, "/tasks", "{\"service\":[\"" + service
                    + "\"],\"desired-state\":[\"running\"]}"))) {
                if (state.equals(t.path("Status").path("State").asText())) {
                    found.add(t);
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return found;
    }

    private Map<String, String> nodeNames;

    private String nodeName(JsonNode task) {
        if (nodeNames == null) {
            nodeNames = new HashMap<>();
            for (String line : swarm.docker(1, "node", "ls", "--format", "{{.ID}} {{.Hostname}}").split("\n")) {
                String[] p = line.trim().split(" ");
                nodeNames.put(p[0], p[1]);
            }
        }
        return nodeNames.getOrDefault(task.path("NodeID").asText(), task.path("NodeID").asText());
    }

    /** Container id → node name of the service's running tasks. */
    private Map<String, String> containers(String service) {
        Map<String, String> result = new HashMap<>();
        runningTasks(service).forEach(t -> result.put(
                t.path("Status").path("ContainerStatus").path("ContainerID").asText(), nodeName(t)));
        return result;
    }

    private Map<String, Integer> countOn(String service) {
        Map<String, Integer> n = new TreeMap<>();
        runningTasks(service).forEach(t -> n.merge(nodeName(t), 1, Integer::sum));
        return n;
    }

    private Map<String, Integer> countByNode() {
        Map<String, Integer> n = new TreeMap<>();
        BringUp.FUNCTIONS.forEach(f -> runningTasks(stack.service(f)).forEach(t -> n.merge(nodeName(t), 1, Integer::sum)));
        return n;
    }

    private String busiestWorker() {
        return countOn(PINNED).entrySet().stream().filter(e -> !e.getKey().equals("faasnode1"))
                .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static double slowest(List<SteadyStream.Call> calls) {
        return calls.stream().mapToDouble(SteadyStream.Call::seconds).max().orElse(0);
    }

    private static String failures(List<SteadyStream.Call> calls) {
        return calls.stream().filter(c -> c.status() != 200).limit(5)
                .map(c -> c.status() + " after " + String.format("%.2fs", c.seconds()) + ": "
                        + c.body().substring(0, Math.min(120, c.body().length())))
                .toList().toString();
    }

    private static void await(String what, Duration limit, BooleanSupplier done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + "s: " + what);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
