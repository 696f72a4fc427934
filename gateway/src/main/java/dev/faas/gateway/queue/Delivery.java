package dev.faas.gateway.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * One delivery of a stored item (a call or a callback) to a worker, and what the worker says about it. The store keeps
 * the item until {@link #done} or {@link #giveUp}; a worker that says nothing for a while (it died) loses it to another.
 */
public interface Delivery<T> {
    T item();

    /** 1 on the first delivery, then one more each time it comes again. */
    int attempt();

    /** When the item was stored. */
    Instant storedAt();

    /** Still at it: the store waits longer before handing the item to another worker. */
    void stillWorking();

    /** Finished: the item is removed. */
    void done();

    /** Not this time: the item comes again after {@code wait}. */
    void retryAfter(Duration wait);

    /** Never again: the item is removed without being finished. */
    void giveUp();
}
