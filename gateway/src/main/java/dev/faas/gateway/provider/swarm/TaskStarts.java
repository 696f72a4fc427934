package dev.faas.gateway.provider.swarm;

import dev.faas.gateway.provider.Replica;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway saw of each task's start: its container's create and start events (this node's only) and the
 * moment its watchdog first answered the health probe, which is when a task still "starting" for Swarm (its health
 * check runs on an interval) becomes routable. Written by the event stream and the probe, read by {@link SwarmState}.
 */
final class TaskStarts {
    static final TaskStarts NONE = new TaskStarts();

    private record Times(Instant created, Instant started, Instant answered) {
        Times with(Instant c, Instant s, Instant a) {
            return new Times(c != null ? c : created, s != null ? s : started, a != null ? a : answered);
        }
    }

    private final Map<String, Times> byTask = new ConcurrentHashMap<>();

    void containerCreated(String taskId, Instant at) {
        byTask.merge(taskId, new Times(at, null, null), (old, n) -> old.with(at, null, null));
    }

    void containerStarted(String taskId, Instant at) {
        byTask.merge(taskId, new Times(null, at, null), (old, n) -> old.with(null, at, null));
    }

    void answered(String taskId, Instant at) {
        byTask.merge(taskId, new Times(null, null, at), (old, n) -> old.with(null, null, at));
    }

    boolean hasStarted(String taskId) {
        Times t = byTask.get(taskId);
        return t != null && t.started != null;
    }

    boolean hasAnswered(String taskId) {
        Times t = byTask.get(taskId);
        return t != null && t.answered != null;
    }

    /** The start as seen, or null when the gateway saw none of it; {@code readyAt} stands in for a missing answer. */
    Replica.Startup startup(String taskId, Instant readyAt) {
        Times t = byTask.get(taskId);
        if (t == null) {
            return null;
        }
        return new Replica.Startup(t.created, t.started, t.answered != null ? t.answered : readyAt);
    }

    /** Forgets tasks that are gone. */
    void retainOnly(Set<String> taskIds) {
        byTask.keySet().retainAll(taskIds);
    }
}
