package dev.faas.gateway.provider.nats;

import dev.faas.gateway.config.QueueConfig;
import dev.faas.gateway.queue.CallbackRequest;
import dev.faas.gateway.queue.Delivery;
import dev.faas.gateway.queue.QueueStatus;
import dev.faas.gateway.queue.QueuedCall;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.MessageHandler;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable consumers: one per function on the calls' stream, whose max_ack_pending is the function's
 * max_inflight (so the server itself holds back a function's calls while that many run, over every gateway), and
 * one for the callbacks. Every 2 s every function with stored calls gets a consumer and every consumer a running
 * pull; after a reconnect the pulls are made anew.
 */
final class NatsConsumers {
    private static final Logger LOG = LoggerFactory.getLogger(NatsConsumers.class);
    /** A callback waiting for its retry holds its place: enough that receivers which are down do not stop the rest. */
    private static final int CALLBACKS_AT_ONCE = 256;
    private static final Duration BODY_UNREADABLE_WAIT = Duration.ofSeconds(5);

    private final JetStreamQueue queue;
    private final QueueConfig config;
    private final ExecutorService work;
    private final ScheduledExecutorService timer;
    private final Map<String, MessageConsumer> pulling = new ConcurrentHashMap<>();
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Delivery<QueuedCall>> calls;
    private volatile Consumer<Delivery<CallbackRequest>> callbacks;
    private volatile ToIntFunction<String> maxInflight;
    private volatile boolean running;

    NatsConsumers(JetStreamQueue queue, QueueConfig config, ExecutorService work, ScheduledExecutorService timer) {
        this.queue = queue;
        this.config = config;
        this.work = work;
        this.timer = timer;
        this.maxInflight = f -> config.maxInflight();
    }

    void start(Consumer<Delivery<QueuedCall>> calls, Consumer<Delivery<CallbackRequest>> callbacks,
               ToIntFunction<String> maxInflight) {
        this.calls = calls;
        this.callbacks = callbacks;
        this.maxInflight = maxInflight;
        running = true;
        timer.scheduleWithFixedDelay(this::reconcile, 0, 2, TimeUnit.SECONDS);
    }

    synchronized void stop() {
        running = false;
        stopPulling();
    }

    /** (Re)connected: consumers are checked again and the pulls made anew on the new connection. */
    void connected() {
        ensured.clear();
        stopPulling();
        if (running) {
            timer.execute(this::reconcile);
        }
    }

    /**
     * Unsubscribes, not just stops: a stopped pull's outstanding requests still bring messages back, so a stopping
     * gateway would nak the same calls to itself in a loop (seen: 56 deliveries of one callback in a graceful stop),
     * and after a reconnect the client would resubscribe the old pulls beside the new ones.
     */
    private void stopPulling() {
        pulling.values().forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                // the connection it ran on is gone already
            }
        });
        pulling.clear();
    }

    /** The function's consumer exists with its max_inflight (made once per connection unless it changes). */
    void ensure(String function) {
        String name = NatsNames.consumer(function);
        if (!ensured.add(name + "/" + maxInflight.applyAsInt(function))) {
            return;
        }
        try {
            queue.connection().jetStreamManagement().addOrUpdateConsumer(NatsNames.CALLS, ConsumerConfiguration.builder()
                    .durable(name).filterSubject(NatsNames.subject(function)).ackPolicy(AckPolicy.Explicit)
                    .deliverPolicy(DeliverPolicy.All).ackWait(config.ackWait()).maxDeliver(-1)
                    .maxAckPending(maxInflight.applyAsInt(function)).build());
            if (running && !pulling.containsKey(name)) {
                timer.execute(this::reconcile); // a function's first call: its pull starts now, not within 2s
            }
        } catch (Exception e) {
            ensured.removeIf(k -> k.startsWith(name + "/"));
            LOG.warn("event=queue_consumer_failed function={} problem=\"{}\"", function, e.getMessage());
        }
    }

    private synchronized void reconcile() {
        if (!running || !queue.available()) {
            return;
        }
        try {
            JetStreamManagement jsm = queue.connection().jetStreamManagement();
            List<Subject> subjects = jsm.getStreamInfo(NatsNames.CALLS, StreamInfoOptions.allSubjects())
                    .getStreamState().getSubjects();
            for (Subject s : subjects == null ? List.<Subject>of() : subjects) {
                String function = NatsNames.functionOfSubject(s.getName());
                if (function != null) {
                    ensure(function);
                }
            }
            for (String name : jsm.getConsumerNames(NatsNames.CALLS)) {
                String function = NatsNames.functionOfConsumer(name);
                if (function != null && !pulling.containsKey(name)) {
                    pull(NatsNames.CALLS, name, Math.max(1, maxInflight.applyAsInt(function)), this::call);
                }
            }
            if (!pulling.containsKey(NatsNames.CALLBACK_CONSUMER)) {
                jsm.addOrUpdateConsumer(NatsNames.CALLBACKS, ConsumerConfiguration.builder()
                        .durable(NatsNames.CALLBACK_CONSUMER).ackPolicy(AckPolicy.Explicit)
                        .deliverPolicy(DeliverPolicy.All).ackWait(config.ackWait()).maxDeliver(-1)
                        .maxAckPending(CALLBACKS_AT_ONCE).build());
                pull(NatsNames.CALLBACKS, NatsNames.CALLBACK_CONSUMER, CALLBACKS_AT_ONCE, this::callback);
            }
        } catch (Exception e) {
            LOG.info("event=queue_reconcile_failed problem=\"{}\"", e.getMessage());
        }
    }

    private void pull(String stream, String consumer, int batch, Consumer<Message> handler) throws Exception {
        if (!running) {
            return; // stopped while this reconcile waited on NATS
        }
        Connection c = queue.connection();
        MessageHandler onMessage = m -> work.execute(() -> handler.accept(m));
        MessageConsumer mc = c.getStreamContext(stream).getConsumerContext(consumer)
                .consume(ConsumeOptions.builder().batchSize(batch).build(), onMessage);
        MessageConsumer before = pulling.put(consumer, mc);
        if (before != null) {
            before.close();
        }
    }

    private void call(Message m) {
        deliver(m, Frames::callMeta, Frames.CallMeta::bodyObject, Frames::toCall, calls);
    }

    private void callback(Message m) {
        deliver(m, Frames::callbackMeta, Frames.CallbackMeta::bodyObject, Frames::toCallback, callbacks);
    }

    private interface Reader<M> {
        M read(byte[] data) throws java.io.IOException;
    }

    /** Reads a message (its description, then its body from wherever it is) and hands it to {@code to}. */
    private <M, T> void deliver(Message m, Reader<M> meta, java.util.function.Function<M, String> objectOf,
                                java.util.function.BiFunction<M, byte[], T> item, Consumer<Delivery<T>> to) {
        if (!running) {
            m.nak(); // stopping: another gateway takes it now, not after the ack wait
            return;
        }
        M description;
        try {
            description = meta.read(m.getData());
        } catch (java.io.IOException e) {
            notOurs(m, e);
            return;
        }
        String object = objectOf.apply(description);
        byte[] body = body(m, object);
        if (body != null) {
            to.accept(new NatsDelivery<>(m, item.apply(description, body), work, () -> queue.deleteObject(object)));
        }
    }

    /** The message's body, from the message or the object store; null when it cannot be had now (then settled). */
    private byte[] body(Message m, String object) {
        try {
            return object == null ? Frames.body(m.getData()) : queue.getObject(object);
        } catch (Exception e) {
            // jnats reports an object that is not there as an IllegalArgument/IllegalStateException ("The object was
            // not found."), not as the API's 404.
            boolean gone = e instanceof JetStreamApiException j ? j.getErrorCode() == 404 : e instanceof RuntimeException;
            if (queue.available() && gone) {
                LOG.error("event=queue_message_dropped subject={} object={} problem=\"its body is gone\" action=\"{}\"",
                        m.getSubject(), object, "none possible: the object store lost it (or its TTL passed)");
                m.term();
            } else {
                m.nakWithDelay(BODY_UNREADABLE_WAIT); // NATS is away: the call waits
            }
            return null;
        }
    }

    private static void notOurs(Message m, Exception e) {
        LOG.error("event=queue_message_dropped subject={} problem=\"{}\" action=\"{}\"", m.getSubject(),
                e.getMessage(), "none: something other than this gateway published on the queue's subjects");
        m.term();
    }

    QueueStatus status(String detail) {
        List<QueueStatus.FunctionQueue> functions = new ArrayList<>();
        long callbacksPending = 0;
        try {
            JetStreamManagement jsm = queue.connection().jetStreamManagement();
            for (String name : jsm.getConsumerNames(NatsNames.CALLS)) {
                String function = NatsNames.functionOfConsumer(name);
                if (function == null) {
                    continue;
                }
                ConsumerInfo ci = jsm.getConsumerInfo(NatsNames.CALLS, name);
                int limit = maxInflight.applyAsInt(function);
                if (ci.getConsumerConfiguration().getMaxAckPending() != limit) {
                    ensure(function); // its max_inflight label changed
                }
                boolean any = ci.getNumPending() + ci.getNumAckPending() > 0;
                functions.add(new QueueStatus.FunctionQueue(function, ci.getNumPending(), ci.getNumAckPending(),
                        limit, any ? oldest(jsm, function) : 0));
            }
            ConsumerInfo cb = jsm.getConsumerInfo(NatsNames.CALLBACKS, NatsNames.CALLBACK_CONSUMER);
            callbacksPending = cb.getNumPending() + cb.getNumAckPending();
        } catch (Exception e) {
            return new QueueStatus(queue.available(), detail + "; reading the queue failed: " + e.getMessage(),
                    functions, callbacksPending);
        }
        return new QueueStatus(true, detail, functions, callbacksPending);
    }

    private static double oldest(JetStreamManagement jsm, String function) {
        try {
            ZonedDateTime t = jsm.getFirstMessage(NatsNames.CALLS, NatsNames.subject(function)).getTime();
            return Math.max(0, (System.currentTimeMillis() - t.toInstant().toEpochMilli()) / 1000.0);
        } catch (Exception e) {
            return 0; // none stored
        }
    }
}
