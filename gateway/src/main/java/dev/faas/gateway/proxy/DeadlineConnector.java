package dev.faas.gateway.proxy;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientProvider;
import io.undertow.client.http.HttpClientProvider;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Option;
import org.xnio.OptionMap;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.ssl.XnioSsl;

/**
 * Opens the proxy pools' connections to replicas with a deadline. Undertow's client has none: a connect to an
 * address that silently drops packets (a replica whose container vanished without a "die" event) waits for the
 * kernel's SYN retries, about two minutes, so the call would hang until upstream_timeout.
 * <p>
 * A connect still pending at its deadline is reported failed, so the pool marks the replica as a problem (it is
 * then skipped until a background reconnect succeeds) and the proxy retries the call once on another replica;
 * nothing was sent yet. Should the connect complete later after all, that connection is closed.
 * <p>
 * Undertow picks a connector by URI scheme through ServiceLoader (META-INF/services): {@link Balancers} registers
 * every replica as {@value #SCHEME} and passes the deadline in the host's options ({@link #CONNECT_TIMEOUT}, ms).
 */
public final class DeadlineConnector implements ClientProvider {
    public static final String SCHEME = "faas-http";
    public static final Option<Integer> CONNECT_TIMEOUT =
            Option.simple(DeadlineConnector.class, "CONNECT_TIMEOUT", Integer.class);
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineConnector.class);

    private final HttpClientProvider http = new HttpClientProvider();

    /** The address a replica is registered under, so its connections are opened here. */
    static URI upstream(URI replica) {
        return withScheme(replica, SCHEME);
    }

    @Override
    public Set<String> handlesSchemes() {
        return Set.of(SCHEME);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, InetSocketAddress bindAddress, URI uri,
                        XnioIoThread ioThread, XnioSsl ssl, ByteBufferPool bufferPool, OptionMap options) {
        Attempt attempt = new Attempt(listener, uri);
        int timeout = options.get(CONNECT_TIMEOUT, 0);
        if (timeout > 0) {
            attempt.deadline = ioThread.executeAfter(() -> attempt.expire(timeout), timeout, TimeUnit.MILLISECONDS);
        }
        http.connect(attempt, bindAddress, withScheme(uri, "http"), ioThread, ssl, bufferPool, options);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, URI uri, XnioIoThread ioThread, XnioSsl ssl,
                        ByteBufferPool bufferPool, OptionMap options) {
        connect(listener, null, uri, ioThread, ssl, bufferPool, options);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, InetSocketAddress bindAddress, URI uri,
                        XnioWorker worker, XnioSsl ssl, ByteBufferPool bufferPool, OptionMap options) {
        connect(listener, bindAddress, uri, worker.getIoThread(), ssl, bufferPool, options);
    }

    @Override
    public void connect(ClientCallback<ClientConnection> listener, URI uri, XnioWorker worker, XnioSsl ssl,
                        ByteBufferPool bufferPool, OptionMap options) {
        connect(listener, null, uri, worker.getIoThread(), ssl, bufferPool, options);
    }

    private static URI withScheme(URI uri, String scheme) {
        return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
    }

    /**
     * One connect: whichever of result, failure and deadline comes first decides; the others are ignored. All three
     * run on the connection's IO thread, so the flag needs no synchronisation.
     */
    private static final class Attempt implements ClientCallback<ClientConnection> {
        private final ClientCallback<ClientConnection> listener;
        private final URI uri;
        private XnioExecutor.Key deadline;
        private boolean decided;

        Attempt(ClientCallback<ClientConnection> listener, URI uri) {
            this.listener = listener;
            this.uri = uri;
        }

        @Override
        public void completed(ClientConnection connection) {
            if (decide()) {
                listener.completed(connection);
            } else {
                IoUtils.safeClose(connection);
            }
        }

        @Override
        public void failed(IOException e) {
            if (decide()) {
                listener.failed(e);
            }
        }

        void expire(int timeoutMs) {
            if (!decided) {
                decided = true;
                LOG.info("event=upstream_connect_timeout address={}:{} timeout_ms={}", uri.getHost(), uri.getPort(), timeoutMs);
                listener.failed(new SocketTimeoutException("connect timed out after " + timeoutMs + " ms"));
            }
        }

        private boolean decide() {
            if (decided) {
                return false;
            }
            decided = true;
            if (deadline != null) {
                deadline.remove();
            }
            return true;
        }
    }
}
