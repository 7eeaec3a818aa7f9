package io.microcdi.transport;

/**
 * A bound server socket of a {@link Transport}.
 *
 * <pre>{@code
 * listener.stopAccepting();   // new connections refused, open ones still served
 * listener.close();           // everything closed
 * }</pre>
 */
public interface Listener extends AutoCloseable {

    /** The bound address, {@code host:port}, with the real port when 0 was asked for. */
    String address();

    /** Stops accepting new connections; connections already open keep being served. */
    void stopAccepting();

    /** Closes the listener and every connection it accepted. */
    @Override
    void close();
}
