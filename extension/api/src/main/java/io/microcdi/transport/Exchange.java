package io.microcdi.transport;

/**
 * One request received by a listener, and the way to answer it.
 *
 * <pre>{@code
 * exchange.reply(new Message(Metadata.of("Content-Type", "application/json"), body));
 * }</pre>
 */
public interface Exchange {

    /** The request. */
    Message request();

    /** The caller's address, {@code host:port}. */
    String remoteAddress();

    /** The address the request arrived on, {@code host:port}. */
    String localAddress();

    /** Sends the response; call it once. Safe from any thread. */
    void reply(Message response);
}
