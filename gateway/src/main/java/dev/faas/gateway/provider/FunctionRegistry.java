package dev.faas.gateway.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The functions the gateway can route to, by id, by name and by full service name.
 * <p>
 * Reads are a lock-free lookup in an immutable snapshot (the request path); writes come from one provider thread,
 * rebuild the snapshot and tell listeners what changed. Functions change rarely, so copy-on-write is cheap.
 */
public final class FunctionRegistry {

    /** Told about each change: before is null for a new function, after is null for a removed one. */
    public interface Listener {
        void changed(Function before, Function after);
    }

    private record Snapshot(Map<String, Function> byId, Map<String, Function> byName) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());
    }

    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The function called {@code name} (its function name or its full service name), or null. */
    public Function find(String name) {
        return snapshot.byName.get(name);
    }

    public List<Function> all() {
        return List.copyOf(snapshot.byId.values());
    }

    /** Replaces everything with what a full read of the orchestrator found. */
    public synchronized void replaceAll(Collection<Function> functions) {
        Map<String, Function> next = new HashMap<>();
        for (Function f : functions) {
            next.put(f.id(), f);
        }
        apply(next);
    }

    public synchronized void put(Function function) {
        Map<String, Function> next = new HashMap<>(snapshot.byId);
        next.put(function.id(), function);
        apply(next);
    }

    public synchronized void remove(String id) {
        if (snapshot.byId.containsKey(id)) {
            Map<String, Function> next = new HashMap<>(snapshot.byId);
            next.remove(id);
            apply(next);
        }
    }

    private void apply(Map<String, Function> nextById) {
        Snapshot before = snapshot;
        snapshot = new Snapshot(Map.copyOf(nextById), index(nextById.values()));
        List<Function[]> changes = new ArrayList<>();
        for (Function old : before.byId.values()) {
            Function now = nextById.get(old.id());
            if (!Objects.equals(old, now)) {
                changes.add(new Function[] {old, now});
            }
        }
        for (Function now : nextById.values()) {
            if (!before.byId.containsKey(now.id())) {
                changes.add(new Function[] {null, now});
            }
        }
        for (Function[] c : changes) {
            for (Listener l : listeners) {
                l.changed(c[0], c[1]);
            }
        }
    }

    /** Full service names first, then function names, so a short name never hides a full one. */
    private static Map<String, Function> index(Collection<Function> functions) {
        Map<String, Function> byName = new HashMap<>();
        for (Function f : functions) {
            byName.putIfAbsent(f.name(), f);
        }
        for (Function f : functions) {
            byName.put(f.serviceName(), f);
        }
        return Map.copyOf(byName);
    }
}
