package io.microcdi.transport.http;

import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * One request received by an {@link HttpListener}; it is also the task that writes its answer on the event loop, so
 * replying from a handler thread costs one queued task and no other object.
 *
 * <pre>{@code
 * exchange.reply(new Message(Metadata.of("Content-Type", "application/json"), body));
 * }</pre>
 */
final class ServerExchange implements Exchange, Runnable {

    private static final VarHandle REPLIED;

    static {
        try {
            REPLIED = MethodHandles.lookup().findVarHandle(ServerExchange.class, "replied", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerConnection connection;
    private final Message request;
    private final boolean keepAlive;
    private final byte[] connectionLine;
    @SuppressWarnings("unused") // through REPLIED
    private volatile int replied;
    /** Written before the hand-off to the event loop, which publishes it. */
    private Message response;

    ServerExchange(ServerConnection connection, Message request, boolean keepAlive, byte[] connectionLine) {
        this.connection = connection;
        this.request = request;
        this.keepAlive = keepAlive;
        this.connectionLine = connectionLine;
    }

    @Override
    public Message request() {
        return request;
    }

    @Override
    public String remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public String localAddress() {
        return connection.localAddress();
    }

    @Override
    public void reply(Message response) {
        Objects.requireNonNull(response, "response");
        if (!replyOnce(response)) {
            throw new IllegalStateException("reply: already sent (expected: one reply per request)");
        }
    }

    /** Sends {@code response} unless an answer was already sent; tells whether it was sent. */
    boolean replyOnce(Message response) {
        if (!REPLIED.compareAndSet(this, 0, 1)) {
            return false;
        }
        this.response = response;
        connection.send(this);
        return true;
    }

    @Override
    public void run() {
        connection.write(this);
    }

    Message response() {
        return response;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    /** The {@code Connection} header line the answer needs, or {@code null} (HTTP/1.1 keep-alive). */
    byte[] connectionLine() {
        return connectionLine;
    }

    @Override
    public String toString() {
        return "exchange from " + connection.remoteAddress();
    }
}
