package dev.faas.gateway.queue;

import dev.faas.gateway.metrics.AsyncMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each delivered callback; a receiver that does not answer, or answers 429 or 5xx, gets it again as
 * {@link RetryPolicy} allows. A refused URL (see {@link CallbackUrls}) or any other answer ends it.
 */
public final class CallbackSender implements Consumer<Delivery<CallbackRequest>> {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);

    private final CallbackPoster poster;
    private final RetryPolicy policy;
    private final AsyncMetrics metrics;
    private final Clock clock;

    public CallbackSender(CallbackPoster poster, RetryPolicy policy, AsyncMetrics metrics, Clock clock) {
        this.poster = poster;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void accept(Delivery<CallbackRequest> delivery) {
        CallbackRequest callback = delivery.item();
        poster.post(callback).whenComplete((status, error) -> {
            if (error != null && CallbackUrls.isRefusal(error)) {
                metrics.callback("refused");
                LOG.warn("event=callback_refused function={} call_id={} problem=\"{}\"", callback.function(),
                        callback.callId(), QueueWorker.describe(error));
                delivery.giveUp();
                return;
            }
            boolean again = error != null || status == 429 || status >= 500;
            if (!again && status >= 400) {
                metrics.callback("rejected");
                LOG.warn("event=callback_rejected function={} call_id={} status={} action=\"{}\"", callback.function(),
                        callback.callId(), status, "the receiver at " + CallbackUrls.hostOf(callback.url())
                                + " refused it (413: its body limit is below the answer's size); it is not sent again");
                delivery.done();
                return;
            }
            if (!again) {
                metrics.callback("delivered");
                delivery.done();
                return;
            }
            String what = error != null ? QueueWorker.describe(error) : "status " + status;
            Duration wait = policy.nextWait(delivery.attempt(), Duration.between(delivery.storedAt(), clock.instant()));
            if (wait != null) {
                metrics.callback("retried");
                LOG.info("event=callback_retry function={} call_id={} attempt={} problem=\"{}\" wait_ms={}",
                        callback.function(), callback.callId(), delivery.attempt(), what, wait.toMillis());
                delivery.retryAfter(wait);
            } else {
                metrics.callback("failed");
                LOG.warn("event=callback_failed function={} call_id={} attempts={} problem=\"{}\" action=\"{}\"",
                        callback.function(), callback.callId(), delivery.attempt(), what,
                        "make " + CallbackUrls.hostOf(callback.url()) + " answer callbacks; this one is dropped");
                delivery.giveUp();
            }
        });
    }
}
