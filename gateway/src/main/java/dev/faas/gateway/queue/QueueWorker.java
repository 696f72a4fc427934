package dev.faas.gateway.queue;

import dev.faas.gateway.metrics.AsyncMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each delivered call through {@link Invoker} (the synchronous path) and settles it: an answer that waiting may
 * change is tried again as {@link RetryPolicy} allows; any other answer, or the last one, finishes the call, and its
 * callback (if any) is stored before the call is removed. So a call is removed only after it ran and its callback is
 * safe; a worker that dies before that leaves it to be delivered again (at least once).
 */
public final class QueueWorker implements Consumer<Delivery<QueuedCall>> {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    static final Duration CALLBACK_NOT_STORED_WAIT = Duration.ofSeconds(5);

    private final Invoker invoker;
    private final CallQueue queue;
    private final RetryPolicy policy;
    private final AsyncMetrics metrics;
    private final ScheduledExecutorService timer;
    private final Duration heartbeat;
    private final Clock clock;
    private final AtomicInteger running = new AtomicInteger();

    public QueueWorker(Invoker invoker, CallQueue queue, RetryPolicy policy, AsyncMetrics metrics,
                       ScheduledExecutorService timer, Duration ackWait, Clock clock) {
        this.invoker = invoker;
        this.queue = queue;
        this.policy = policy;
        this.metrics = metrics;
        this.timer = timer;
        this.heartbeat = Duration.ofMillis(Math.max(1, ackWait.toMillis() / 3));
        this.clock = clock;
    }

    /** Calls this worker is running now. */
    public int running() {
        return running.get();
    }

    @Override
    public void accept(Delivery<QueuedCall> delivery) {
        QueuedCall call = delivery.item();
        if (delivery.attempt() == 1) {
            metrics.waited(call.function(), Duration.between(call.acceptedAt(), clock.instant()));
        }
        running.incrementAndGet();
        metrics.running(call.function(), 1);
        long started = System.nanoTime();
        ScheduledFuture<?> beat = timer.scheduleAtFixedRate(delivery::stillWorking,
                heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        invoker.invoke(call)
                .handle((answer, error) -> answer != null ? answer
                        : Answer.none(describe(error), (System.nanoTime() - started) / 1e9))
                .thenAccept(answer -> {
                    beat.cancel(false);
                    running.decrementAndGet();
                    metrics.running(call.function(), -1);
                    settle(delivery, answer);
                });
    }

    private void settle(Delivery<QueuedCall> delivery, Answer answer) {
        QueuedCall call = delivery.item();
        boolean retryable = RetryPolicy.retryable(answer.status());
        Duration age = Duration.between(call.acceptedAt(), clock.instant());
        if (retryable) {
            Duration wait = policy.nextWait(delivery.attempt(), age);
            if (wait != null) {
                metrics.retried(call.function());
                LOG.info("event=async_retry function={} call_id={} attempt={} status={} wait_ms={}",
                        call.function(), call.id(), delivery.attempt(), answer.status(), wait.toMillis());
                delivery.retryAfter(wait);
                return;
            }
            LOG.warn("event=async_failed function={} call_id={} attempts={} status={} age_s={} action=\"{}\"",
                    call.function(), call.id(), delivery.attempt(), answer.status(), age.toSeconds(),
                    "the function kept answering " + answer.status() + ": see its logs (GET /system/logs?name="
                            + call.function() + ")");
        }
        metrics.finished(call.function(), answer.status(), retryable);
        if (call.callbackUrl() == null) {
            delivery.done();
            return;
        }
        queue.storeCallback(new CallbackRequest(call.id(), call.function(), call.callbackUrl(), answer,
                delivery.attempt())).whenComplete((stored, error) -> {
                    if (error == null) {
                        delivery.done();
                    } else if (Duration.between(call.acceptedAt(), clock.instant()).compareTo(policy.maxAge()) < 0) {
                        // The call comes again and runs again: its answer cannot be kept anywhere else.
                        LOG.warn("event=callback_not_stored function={} call_id={} problem=\"{}\"",
                                call.function(), call.id(), describe(error));
                        delivery.retryAfter(CALLBACK_NOT_STORED_WAIT);
                    } else {
                        LOG.warn("event=callback_dropped function={} call_id={} problem=\"{}\" action=\"{}\"",
                                call.function(), call.id(), describe(error), "none: its callback could not be stored "
                                        + "within async_max_age; the call ran, its answer is lost");
                        delivery.done();
                    }
                });
    }

    static String describe(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return (message == null || message.isBlank() ? t.getClass().getSimpleName() : message).replace('"', '\'');
    }
}
