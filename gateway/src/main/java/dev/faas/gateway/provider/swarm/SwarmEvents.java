package dev.faas.gateway.provider.swarm;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Docker's event stream, read into what {@link SwarmProvider} acts on. Service and node events are cluster-wide;
 * container events come from the manager's own daemon only. The stream is opened again a second after it ends.
 */
final class SwarmEvents implements AutoCloseable {
    private static final String SERVICE_ID_LABEL = "com.docker.swarm.service.id";
    private static final String TASK_ID_LABEL = "com.docker.swarm.task.id";

    /** What the events say, called on docker-java's stream thread. */
    interface Listener {
        /** The stream was (re)opened: anything that happened before it is unknown. */
        void listening();

        /** A node joined, left, was drained or lost. */
        void nodeChanged();

        /** Something of this service, or of one of its containers, changed. */
        void serviceChanged(String serviceId);

        void containerDied(String containerId);

        void containerCreated(String taskId, Instant at);

        void containerStarted(String taskId, Instant at);
    }

    private final DockerApi docker;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    private volatile ResultCallback.Adapter<Event> stream;
    private volatile boolean closed;

    SwarmEvents(DockerApi docker, ScheduledExecutorService scheduler, Listener listener) {
        this.docker = docker;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    void subscribe() {
        if (closed) {
            return;
        }
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                read(event);
            }

            @Override
            public void onError(Throwable t) {
                resubscribeLater();
            }

            @Override
            public void onComplete() {
                resubscribeLater();
            }
        };
        try {
            stream = docker.client().eventsCmd()
                    .withEventTypeFilter(EventType.SERVICE, EventType.CONTAINER, EventType.NODE)
                    .exec(callback);
            listener.listening();
        } catch (RuntimeException e) {
            resubscribeLater();
        }
    }

    private void resubscribeLater() {
        if (!closed) {
            try {
                scheduler.schedule(this::subscribe, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException closing) {
                // shutting down
            }
        }
    }

    private void read(Event e) {
        String action = e.getAction() == null ? "" : e.getAction();
        if (action.startsWith("exec_")) {
            return; // health checks run as execs: every 2 s per replica, and they change nothing the registry holds
        }
        if (e.getType() == EventType.NODE) {
            listener.nodeChanged();
            return;
        }
        String serviceId;
        if (e.getType() == EventType.SERVICE) {
            serviceId = e.getActor() == null ? null : e.getActor().getId();
        } else {
            Map<String, String> attrs = e.getActor() == null ? null : e.getActor().getAttributes();
            serviceId = attrs == null ? null : attrs.get(SERVICE_ID_LABEL);
            if (serviceId != null && "die".equals(action)) {
                listener.containerDied(e.getActor().getId());
            }
            String task = attrs == null ? null : attrs.get(TASK_ID_LABEL);
            Long nanos = e.getTimeNano();
            if (task != null && nanos != null) {
                Instant at = Instant.ofEpochSecond(0, nanos);
                if ("create".equals(action)) {
                    listener.containerCreated(task, at);
                } else if ("start".equals(action)) {
                    listener.containerStarted(task, at);
                }
            }
        }
        if (serviceId != null && !serviceId.isEmpty()) {
            listener.serviceChanged(serviceId);
        }
    }

    @Override
    public void close() {
        closed = true;
        ResultCallback.Adapter<Event> s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // The stream is going away with the process.
            }
        }
    }
}
