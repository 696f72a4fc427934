package dev.faas.cli.gateway;

import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * What a client of a plain-http gateway gets instead of TLS. Given no TLS context, the JDK's HttpClient builds the
 * default one (the JSSE provider, every CA certificate, the cipher lists): about 0.4 s at each start, for a
 * connection that never uses it. This context does nothing and refuses any use; an https gateway gets the real one.
 */
final class PlainHttp {
    private PlainHttp() {
    }

    static SSLContext noTls() {
        return new SSLContext(new Refusing(), new Provider("faas-no-tls", "1", "plain http only") {
        }, "none") {
        };
    }

    /** Parameters the client copies at construction (it would otherwise ask the context for its defaults). */
    static SSLParameters noTlsParameters() {
        return new SSLParameters();
    }

    private static final class Refusing extends SSLContextSpi {
        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("TLS was not set up: this client is for a plain-http gateway");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
