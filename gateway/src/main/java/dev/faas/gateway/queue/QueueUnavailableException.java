package dev.faas.gateway.queue;

/** The queue cannot store anything now (NATS is down or did not confirm in time): the caller gets 503. */
public final class QueueUnavailableException extends Exception {
    public QueueUnavailableException(String message) {
        super(message);
    }
}
