package dev.faas.watchdog.exec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The JDK's ProcessBuilder: works everywhere, but its child lists /proc/self/fd to close descriptors (see PosixSpawner). */
public final class JdkSpawner implements Spawner {
    @Override
    public Process start(List<String> argv, Map<String, String> env, boolean combineOutput) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(env);
        if (combineOutput) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        return builder.start();
    }

    @Override
    public String name() {
        return "jdk";
    }
}
