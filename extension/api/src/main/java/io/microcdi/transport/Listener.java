package io.microcdi.transport;

/**
 * A bound server socket of a {@link Transport}.
 *
 * <pre>{@code
 * listener.stopAccepting();                           // new connections refused, open ones wound down
 * listener.awaitConnectionsClosed(Duration.ofSeconds(10));  // their answers written
 * listener.close();                                   // whatever is left, closed
 * }</pre>
 */
public interface Listener extends AutoCloseable {

    /** The bound address, {@code host:port}, with the real port when 0 was asked for. */
    String address();

    /**
     * Stops accepting new connections and winds the open ones down: each closes once the calls it carries are
     * answered (an idle one at once), so keep-alive callers move to other nodes.
     */
    void stopAccepting();

    /**
     * After {@link #stopAccepting()}: waits until every accepted connection has closed on its own, answers written,
     * or {@code timeout} passed.
     *
     * @return whether every connection closed in time
     */
    boolean awaitConnectionsClosed(java.time.Duration timeout);

    /** Closes the listener and every connection it accepted. */
    @Override
    void close();
}
