package dev.faas.watchdog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The watchdog as a real child JVM with the Dockerfile's flags, listening on an ephemeral 127.0.0.1 port, its lock
 * file in a private TMPDIR, and a marker in its environment that every process it starts inherits.
 */
final class WatchdogProcess implements AutoCloseable {
    /** WATCHDOG_JVM_FLAGS of watchdog/Dockerfile: the tests run the watchdog as the image does (50 MB bodies too). */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-Xss256k", "-Xmn3m", "-XX:MaxRAM=256m", "-XX:-UsePerfData",
            "-Djdk.lang.Process.launchMechanism=VFORK");
    private static final Pattern PORT = Pattern.compile("msg=listening port=(\\d+) metrics_port=(\\d+)");

    final Process process;
    final Path tmpDir;
    final String marker = "wdt-" + UUID.randomUUID();
    private final List<String> log = new CopyOnWriteArrayList<>();
    /** The watchdog's stdout: lambda mode's function log (the other modes' warm process writes there too). */
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private volatile int metricsPort;
    private final Thread reader;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static String where(Class<?> c) {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }

    private WatchdogProcess(Map<String, String> env, Path tmpDir, List<String> extraJvmFlags) throws IOException {
        this.tmpDir = tmpDir;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(extraJvmFlags);
        // The classes as built, and faas-common and JNA where Maven has them (common/target/classes in a reactor).
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator,
                Path.of("target", "classes").toAbsolutePath().toString(), where(dev.faas.common.Durations.class),
                where(com.sun.jna.Native.class)), "dev.faas.watchdog.Main"));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> childEnv = builder.environment();
        // Settings the test JVM might have inherited would change what a test means; each test sets its own.
        childEnv.keySet().removeIf(k -> k.equals("fprocess") || k.startsWith("Http_") || k.equals("mode")
                || k.startsWith("lambda_") || k.equals("function_name") || k.startsWith("AWS_")
                || k.startsWith("LAMBDA_") || k.equals("_HANDLER") || k.equals("TZ"));
        childEnv.put("port", "0");
        childEnv.put("metrics_port", "0");
        childEnv.put("bind_address", "127.0.0.1");
        childEnv.put("TMPDIR", tmpDir.toString());
        childEnv.put("WATCHDOG_TEST_MARKER", marker);
        childEnv.putAll(env);
        process = builder.start();
        reader = new Thread(this::readLog, "watchdog-log");
        reader.setDaemon(true);
        reader.start();
        Thread out = new Thread(this::readStdout, "watchdog-stdout");
        out.setDaemon(true);
        out.start();
    }

    /** Starts a watchdog and waits until it listens. */
    static WatchdogProcess start(Map<String, String> env, Path tmpDir) throws Exception {
        return start(env, tmpDir, List.of());
    }

    /** Starts a watchdog with more JVM flags (e.g. a small heap) and waits until it listens. */
    static WatchdogProcess start(Map<String, String> env, Path tmpDir, List<String> extraJvmFlags) throws Exception {
        WatchdogProcess w = new WatchdogProcess(env, tmpDir, extraJvmFlags);
        try {
            w.port.get(30, TimeUnit.SECONDS); // a hang guard: a JVM starts slowly on a loaded machine
        } catch (Exception e) {
            w.close();
            throw new AssertionError("watchdog did not start listening; its log:\n" + String.join("\n", w.log), e);
        }
        return w;
    }

    /** Starts a watchdog that is expected to stop by itself; returns once it has exited. */
    static WatchdogProcess startAndAwaitExit(Map<String, String> env, Path tmpDir) throws Exception {
        WatchdogProcess w = new WatchdogProcess(env, tmpDir, List.of());
        if (!w.process.waitFor(30, TimeUnit.SECONDS)) {
            w.close();
            throw new AssertionError("watchdog kept running; its log:\n" + String.join("\n", w.log));
        }
        return w;
    }

    /** SIGTERM, keeping the log pipe open (Process.destroy() would close it and lose the drain's lines). */
    void sigterm() {
        process.toHandle().destroy();
    }

    int port() {
        return port.join();
    }

    /** The metrics listener's port (metrics_port=0 in tests: a free one). */
    int metricsPort() {
        port.join();
        return metricsPort;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    HttpResponse<String> post(String body) throws Exception {
        return send(HttpRequest.newBuilder(uri("/")).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(60)).build(), handler);
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return client.sendAsync(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return client.sendAsync(HttpRequest.newBuilder(uri("/")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The watchdog's stderr so far; all of it once the process has exited. */
    String log() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(5000);
        }
        return String.join("\n", log);
    }

    /** Waits (up to 30 s, a hang guard) for a log line holding {@code fragment}, and returns it. */
    String awaitLogLine(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : log) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no log line with '" + fragment + "'; the log:\n" + String.join("\n", log));
    }

    /** The watchdog's stdout so far, line by line. */
    List<String> stdout() {
        return List.copyOf(stdout);
    }

    /** Waits (up to 30 s, a hang guard) for a line on the watchdog's stdout holding {@code fragment}. */
    String awaitStdoutLine(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : stdout) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no stdout line with '" + fragment + "'; stdout:\n" + String.join("\n", stdout));
    }

    /** Pids of live processes (not the watchdog itself) whose environment carries this watchdog's marker. */
    List<Long> processesWithMarker() throws IOException {
        byte[] needle = ("WATCHDOG_TEST_MARKER=" + marker).getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == process.pid()) {
                    continue;
                }
                try {
                    if (contains(Files.readAllBytes(proc.resolve("environ")), needle) && !isZombie(proc)) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return found;
    }

    /** Waits up to {@code timeout} for every process of this watchdog's requests to be gone. */
    List<Long> awaitNoMarkedProcesses(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> left = processesWithMarker();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = processesWithMarker();
        }
        return left;
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        for (long pid : processesWithMarker()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.add(line);
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    metricsPort = Integer.parseInt(m.group(2));
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        port.completeExceptionally(new IllegalStateException("watchdog exited"));
    }

    /** Kept, at most the last 10,000 lines; read always so that a function writing a lot never blocks on the pipe. */
    private void readStdout() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                stdout.add(line);
                if (stdout.size() > 10_000) {
                    stdout.remove(0);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static boolean isZombie(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
