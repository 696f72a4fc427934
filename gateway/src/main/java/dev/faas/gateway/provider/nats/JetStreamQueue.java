package dev.faas.gateway.provider.nats;

import dev.faas.gateway.config.QueueConfig;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.CallbackRequest;
import dev.faas.gateway.queue.Delivery;
import dev.faas.gateway.queue.QueueStatus;
import dev.faas.gateway.queue.QueueUnavailableException;
import dev.faas.gateway.queue.QueuedCall;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued calls in NATS JetStream, on the server's disk: the calls' stream (a work queue, one subject and one durable
 * consumer per function), the callbacks' stream, and an object store for bodies too large for a message (NATS's
 * messages are 1 MB at most; a body over {@link #INLINE_MAX} goes to the store in chunks, so there is no cliff).
 * A call is confirmed stored by the server before {@link #enqueue} returns. The connection is made in the
 * background and kept: while it is down, enqueue answers at once that the queue is unavailable.
 */
public final class JetStreamQueue implements CallQueue {
    private static final Logger LOG = LoggerFactory.getLogger(JetStreamQueue.class);
    /** Bodies up to this size go in the message itself. */
    static final int INLINE_MAX = 256 * 1024;

    private final QueueConfig config;
    private final ExecutorService work;
    private final ScheduledExecutorService timer;
    private final NatsConsumers consumers;
    private volatile Connection connection;
    private volatile boolean prepared;
    private volatile String problem = "not connected yet";

    public JetStreamQueue(QueueConfig config, ExecutorService work, ScheduledExecutorService timer) {
        this.config = config;
        this.work = work;
        this.timer = timer;
        this.consumers = new NatsConsumers(this, config, work, timer);
    }

    /** Connects in the background, for as long as it takes; the streams are made once it is connected. */
    public void connect() throws InterruptedException {
        Options options = Options.builder()
                .server(config.natsUrl())
                .connectionName("faas-gateway")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(Duration.ofSeconds(2))
                .connectionListener(this::changed)
                .errorListener(new QuietErrors())
                .build();
        Nats.connectAsynchronously(options, true);
    }

    private void changed(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                connection = conn;
                timer.execute(this::prepare);
            }
            case DISCONNECTED, CLOSED -> {
                prepared = false;
                problem = "NATS at " + config.natsUrl() + " is not connected";
                LOG.warn("event=queue_disconnected server={} action=\"{}\"", config.natsUrl(),
                        "queued calls get 503 until it is back; check the nats service");
            }
            default -> { }
        }
    }

    /** Makes the streams and the object store (each call of it is harmless once they exist). */
    private void prepare() {
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            stream(jsm, NatsNames.CALLS, NatsNames.CALL_SUBJECTS);
            stream(jsm, NatsNames.CALLBACKS, NatsNames.CALLBACK_SUBJECT);
            if (!jsm.getStreamNames().contains("OBJ_" + NatsNames.BODIES)) {
                // No TTL: a call may wait in its queue for any time, and its body must wait with it. (A crash between
                // storing a body and its call leaves an orphan; that costs disk, a TTL would cost calls.)
                connection.objectStoreManagement().create(ObjectStoreConfiguration.builder(NatsNames.BODIES)
                        .storageType(StorageType.File).build());
            }
            prepared = true;
            problem = null;
            LOG.info("event=queue_ready server={}", config.natsUrl());
            consumers.connected();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            problem = "NATS at " + config.natsUrl() + " has no JetStream store ready: " + e.getMessage();
            LOG.warn("event=queue_not_ready server={} problem=\"{}\" action=\"{}\"", config.natsUrl(), e.getMessage(),
                    "tried again in 2s; the nats service needs JetStream on (images/nats/nats.conf)");
            timer.schedule(this::prepare, 2, TimeUnit.SECONDS);
        }
    }

    private static void stream(JetStreamManagement jsm, String name, String subject)
            throws IOException, JetStreamApiException {
        if (jsm.getStreamNames().contains(name)) {
            return;
        }
        // A work queue: a message leaves the stream when its consumer acknowledges it, not at some age or size.
        jsm.addStream(StreamConfiguration.builder().name(name).subjects(subject)
                .storageType(StorageType.File).retentionPolicy(RetentionPolicy.WorkQueue)
                .duplicateWindow(Duration.ofMinutes(2)).build());
    }

    Connection connection() {
        return connection;
    }

    @Override
    public boolean available() {
        Connection c = connection;
        return prepared && c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    private void requireAvailable() throws QueueUnavailableException {
        if (!available()) {
            throw new QueueUnavailableException("the queue is unavailable (" + problem + "); try again shortly");
        }
    }

    @Override
    public void enqueue(QueuedCall call, InputStream body) throws QueueUnavailableException, IOException {
        requireAvailable();
        byte[] head = body.readNBytes(INLINE_MAX + 1);
        String object = null;
        long size = head.length;
        if (head.length > INLINE_MAX) {
            // Unique: a resend with the same X-Call-Id that breaks off must not delete the stored call's body.
            object = NatsNames.callBody(call.function(), call.id()) + "." + java.util.UUID.randomUUID();
            size = putObject(object, new SequenceInputStream(new ByteArrayInputStream(head), body));
            head = new byte[0];
        }
        // The body's object stays if the publish is not confirmed: NATS may have stored the call all the same (a
        // confirmation that timed out); if it did not, the bucket's TTL removes the object. Message ids are per
        // function, so a callback that queues a call of another function with the same X-Call-Id is not a duplicate.
        publish(NatsNames.subject(call.function()), NatsNames.call(call.function(), call.id()),
                Frames.call(call, head, object, size));
        consumers.ensure(call.function());
    }

    @Override
    public CompletableFuture<Void> storeCallback(CallbackRequest callback) {
        return CompletableFuture.runAsync(() -> {
            try {
                requireAvailable();
                byte[] body = callback.answer().body();
                String object = null;
                if (body.length > INLINE_MAX) {
                    object = NatsNames.callback(callback.function(), callback.callId()) + ".answer."
                            + java.util.UUID.randomUUID();
                    putObject(object, new ByteArrayInputStream(body));
                    body = new byte[0];
                }
                publish(NatsNames.CALLBACK_SUBJECT, NatsNames.callback(callback.function(), callback.callId()),
                        Frames.callback(callback, body, object));
            } catch (QueueUnavailableException | IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, work);
    }

    /** Publishes and waits for the server's confirmation; the message id makes a repeated publish a no-op. */
    private void publish(String subject, String id, byte[] data) throws QueueUnavailableException {
        try {
            JetStream js = connection.jetStream(JetStreamOptions.builder().requestTimeout(config.publishTimeout()).build());
            js.publishAsync(subject, data, PublishOptions.builder().messageId(id).build())
                    .get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueUnavailableException("interrupted while storing the call");
        } catch (IllegalArgumentException e) {
            // Larger than NATS's message size (the headers with up to 256 KiB of body): sending again cannot help.
            throw new IllegalStateException("the call's headers are too large to store (" + e.getMessage() + ")");
        } catch (Exception e) {
            throw new QueueUnavailableException("NATS did not confirm the call was stored ("
                    + e.getClass().getSimpleName() + "); it was not accepted, send it again");
        }
    }

    /** Stores a body in chunks; what was stored of it is deleted when the body cannot be read to its end. */
    private long putObject(String name, InputStream in) throws IOException, QueueUnavailableException {
        try {
            return bodies().put(ObjectMeta.builder(name).build(), in).getSize();
        } catch (IOException e) {
            deleteObject(name);
            if (!available()) {
                throw new QueueUnavailableException("NATS went away while the body was stored (" + e.getMessage() + ")");
            }
            throw e; // the caller's body could not be read (too large, cut off)
        } catch (JetStreamApiException | java.security.NoSuchAlgorithmException e) {
            deleteObject(name);
            throw new QueueUnavailableException("NATS refused the body (" + e.getMessage() + ")");
        }
    }

    byte[] getObject(String name) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        bodies().get(name, out);
        return out.toByteArray();
    }

    void deleteObject(String name) {
        if (name == null) {
            return;
        }
        try {
            bodies().delete(name);
        } catch (Exception e) {
            // Not fatal: the bucket's TTL removes what is left.
            LOG.info("event=queue_body_left object={} problem=\"{}\"", name, e.getMessage());
        }
    }

    private ObjectStore bodies() throws IOException {
        return connection.objectStore(NatsNames.BODIES);
    }

    @Override
    public void start(Consumer<Delivery<QueuedCall>> calls, Consumer<Delivery<CallbackRequest>> callbacks,
                      ToIntFunction<String> maxInflight) {
        consumers.start(calls, callbacks, maxInflight);
    }

    @Override
    public void stopDelivering() {
        consumers.stop();
    }

    @Override
    public QueueStatus status() {
        if (!available()) {
            return new QueueStatus(false, problem, java.util.List.of(), 0);
        }
        return consumers.status("NATS at " + config.natsUrl() + ", connected");
    }

    @Override
    public void close() {
        consumers.stop();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** jnats reports through this; its default prints to the console in its own format. */
    private static final class QuietErrors implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.warn("event=nats_error problem=\"{}\"", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.info("event=nats_exception problem=\"{}\"", exp.toString());
        }
    }
}
