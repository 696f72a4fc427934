package dev.faas.gateway.provider.nats;

/**
 * How the queue's JetStream names are made. A function name may hold '.', which separates NATS subject tokens and
 * is not allowed in consumer names; '~' never occurs in a function name, so it stands in for '.' one to one.
 */
final class NatsNames {
    static final String CALLS = "FAAS_CALLS";
    static final String CALL_SUBJECTS = "faas.calls.>";
    static final String CALLBACKS = "FAAS_CALLBACKS";
    static final String CALLBACK_SUBJECT = "faas.callbacks";
    static final String CALLBACK_CONSUMER = "callbacks";
    static final String BODIES = "FAAS_BODIES";
    private static final String CALL_PREFIX = "faas.calls.";
    private static final String CONSUMER_PREFIX = "fn_";

    private NatsNames() {}

    static String subject(String function) {
        return CALL_PREFIX + function.replace('.', '~');
    }

    static String consumer(String function) {
        return CONSUMER_PREFIX + function.replace('.', '~');
    }

    /** The function a consumer of the calls' stream is for, or null for a consumer that is not one of ours. */
    static String functionOfConsumer(String consumer) {
        return consumer.startsWith(CONSUMER_PREFIX) ? consumer.substring(CONSUMER_PREFIX.length()).replace('~', '.') : null;
    }

    static String functionOfSubject(String subject) {
        return subject.startsWith(CALL_PREFIX) ? subject.substring(CALL_PREFIX.length()).replace('~', '.') : null;
    }

    /**
     * A call's message id, and the name of its body's object when it is too large for a message: per function, as a
     * caller's X-Call-Id is unique only to the caller's own mind.
     */
    static String call(String function, String callId) {
        return function + "/" + callId;
    }

    static String callBody(String function, String callId) {
        return call(function, callId) + ".call";
    }

    /** The message id of a call's callback, and the name of its body's object (the function's answer). */
    static String callback(String function, String callId) {
        return call(function, callId) + ".callback";
    }
}
