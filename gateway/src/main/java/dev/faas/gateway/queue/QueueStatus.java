package dev.faas.gateway.queue;

import java.util.List;

/**
 * What is queued now, for /system/queue and the queue's gauges.
 *
 * @param connected        whether the store is reachable
 * @param detail           the store's address and state, or why it is unreachable
 * @param functions        every function with a queue
 * @param callbacksPending callbacks stored and not yet posted
 */
public record QueueStatus(boolean connected, String detail, List<FunctionQueue> functions, long callbacksPending) {
    public QueueStatus {
        functions = List.copyOf(functions);
    }

    /**
     * @param function      the function's name
     * @param waiting       calls stored and not handed to a worker now (also those waiting for a retry)
     * @param running       calls handed to a worker and not finished
     * @param maxInflight   calls of it that may run at once
     * @param oldestSeconds age of its oldest stored call (0 when none)
     */
    public record FunctionQueue(String function, long waiting, long running, int maxInflight, double oldestSeconds) {}
}
