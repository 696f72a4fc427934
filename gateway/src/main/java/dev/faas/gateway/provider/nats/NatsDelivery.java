package dev.faas.gateway.provider.nats;

import dev.faas.gateway.queue.Delivery;
import io.nats.client.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JetStream message handed to a worker. Acknowledgements wait for the server's confirmation, on {@code acks}
 * (never on the thread that finished the call), and only then is {@code cleanUp} run (it deletes the body's object).
 */
final class NatsDelivery<T> implements Delivery<T> {
    private static final Logger LOG = LoggerFactory.getLogger(NatsDelivery.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    private final Message message;
    private final T item;
    private final Executor acks;
    private final Runnable cleanUp;

    NatsDelivery(Message message, T item, Executor acks, Runnable cleanUp) {
        this.message = message;
        this.item = item;
        this.acks = acks;
        this.cleanUp = cleanUp;
    }

    @Override
    public T item() {
        return item;
    }

    @Override
    public int attempt() {
        return (int) Math.min(Integer.MAX_VALUE, message.metaData().deliveredCount());
    }

    @Override
    public Instant storedAt() {
        return message.metaData().timestamp().toInstant();
    }

    @Override
    public void stillWorking() {
        message.inProgress();
    }

    @Override
    public void done() {
        acks.execute(() -> {
            try {
                message.ackSync(ACK_TIMEOUT);
                cleanUp.run();
            } catch (Exception e) {
                // It comes again once its ack wait has passed: it runs twice (at least once, not exactly once).
                LOG.warn("event=queue_ack_lost subject={} problem=\"{}\" action=\"{}\"", message.getSubject(),
                        e.getClass().getSimpleName(), "none: it is delivered again and runs once more");
            }
        });
    }

    @Override
    public void retryAfter(Duration wait) {
        message.nakWithDelay(wait);
    }

    @Override
    public void giveUp() {
        acks.execute(() -> {
            message.term();
            cleanUp.run();
        });
    }
}
