package dev.faas.watchdog.lambda;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One call on its way through the queue to a runtime and back. Its place (queued, taken, ended) is kept under the
 * {@link Dispatcher}'s lock; the thread that ends it first (the runtime's answer, its exit, the deadline) builds the
 * {@link Reply} and hands it to the waiting caller.
 */
final class Invocation {
    final String id;
    final byte[] event;
    /** Decoded client context JSON (Lambda-Runtime-Client-Context), or null. */
    final String clientContext;
    /** Lambda-Runtime-Cognito-Identity, or null. */
    final String cognitoIdentity;
    final String traceId;
    final long receivedNanos;
    final long limitNanos;
    final long deadlineEpochMillis;
    /** The log tail the caller asked for (X-Amz-Log-Type: Tail), else null: no copy of the lines is kept. */
    final TailBuffer log;

    // Under the dispatcher's lock:
    long queuedNanos;
    RuntimeSlot slot;
    long takenNanos;
    /** The process that took it (the slot's next process is another run). */
    RuntimeRun run;
    private boolean ended;

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Reply reply;

    Invocation(String id, byte[] event, String clientContext, String cognitoIdentity, boolean tail, long limitNanos,
               long receivedEpochMillis, long receivedNanos) {
        this.id = id;
        this.event = event;
        this.clientContext = clientContext;
        this.cognitoIdentity = cognitoIdentity;
        this.limitNanos = limitNanos;
        this.receivedNanos = receivedNanos;
        this.deadlineEpochMillis = receivedEpochMillis + TimeUnit.NANOSECONDS.toMillis(limitNanos);
        this.traceId = Ids.traceId(receivedEpochMillis);
        this.log = tail ? new TailBuffer() : null;
    }

    long deadlineNanos() {
        return receivedNanos + limitNanos;
    }

    /** Under the dispatcher's lock: true for the one caller that may end it. */
    boolean claimEnd() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    void complete(Reply r) {
        reply = r;
        done.countDown();
    }

    /** The reply, or null when it did not come within {@code nanos}. */
    Reply await(long nanos) throws InterruptedException {
        return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS) ? reply : null;
    }
}
