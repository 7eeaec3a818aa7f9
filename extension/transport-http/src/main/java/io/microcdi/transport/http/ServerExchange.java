package io.microcdi.transport.http;

import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.EventExecutor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * One request received by an {@link HttpListener} (an HTTP/1.1 request, or one HTTP/2 stream); it is also the task
 * that writes its answer on the event loop, so replying from a handler thread costs one queued task and no other
 * object.
 *
 * <pre>{@code
 * exchange.reply(new Message(Metadata.of("Content-Type", "application/json"), body));
 * }</pre>
 */
class ServerExchange implements StreamingExchange, Runnable {

    private static final System.Logger LOG = System.getLogger(ServerExchange.class.getName());

    private static final VarHandle REPLIED;

    static {
        try {
            REPLIED = MethodHandles.lookup().findVarHandle(ServerExchange.class, "replied", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Owner connection;
    private final Message request;
    private final HttpMethod method;
    private final String uri;
    private final boolean keepAlive;
    private final byte[] connectionLine;
    @SuppressWarnings("unused") // through REPLIED
    private volatile int replied;
    /** Written before the hand-off to the event loop, which publishes it. */
    private Message response;
    private int status = 200;

    ServerExchange(Owner connection, Message request, HttpMethod method, String uri, boolean keepAlive,
                   byte[] connectionLine) {
        this.connection = connection;
        this.request = request;
        this.method = method;
        this.uri = uri;
        this.keepAlive = keepAlive;
        this.connectionLine = connectionLine;
    }

    @Override
    public Message request() {
        return request;
    }

    @Override
    public String method() {
        return method.name();
    }

    @Override
    public String path() {
        return uri;
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

    @Override
    public void reply(int status, Message response) {
        Objects.requireNonNull(response, "response");
        if (status < 200 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200 to 999)");
        }
        if (!replyOnce(status, response)) {
            throw new IllegalStateException("reply: already sent (expected: one reply per request)");
        }
    }

    /**
     * Takes this request over as the open of a stream: over HTTP/1.1 the whole connection becomes the stream, over
     * HTTP/2 this request's HTTP/2 stream does.
     */
    @Override
    public MessageStream stream() {
        if (!connection.canStream(this)) {
            throw new UnsupportedOperationException("stream: this request cannot become a stream (expected: an "
                    + "HTTP/1.1 request, or an HTTP/2 request with a Micro-Stream header)");
        }
        if (!REPLIED.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("stream: already answered (expected: stream() once, instead of a reply)");
        }
        return connection.stream(this);
    }

    /** Sends {@code response} unless an answer was already sent; tells whether it was sent. */
    boolean replyOnce(Message response) {
        return replyOnce(200, response);
    }

    private boolean replyOnce(int status, Message response) {
        if (!REPLIED.compareAndSet(this, 0, 1)) {
            return false;
        }
        this.status = status;
        this.response = response;
        connection.send(this);
        return true;
    }

    @Override
    public void run() {
        try {
            connection.write(this);
        } catch (OutOfMemoryError e) {
            connection.loopError(e); // Netty would log a task's error and go on
            throw e;
        }
    }

    Message response() {
        return response;
    }

    int status() {
        return status;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    /** The {@code Connection} header line the answer needs, or {@code null} (HTTP/1.1 keep-alive). */
    byte[] connectionLine() {
        return connectionLine;
    }

    /** Hands this exchange to the listener's handler; a handler that throws still gets its caller an answer. */
    void dispatch(HttpListener listener) {
        try {
            listener.handler().handle(this);
        } catch (RuntimeException | Error e) {
            // the handler broke its contract; answer anyway so the caller does not wait for its timeout
            LOG.log(System.Logger.Level.WARNING, "transport handler failed", e);
            replyOnce(HttpWire.errorMessage(HttpWire.serverError(500, String.valueOf(e))));
        }
    }

    @Override
    public String toString() {
        return "exchange from " + connection.remoteAddress();
    }

    /** The connection an exchange answers on: HTTP/1.1 ({@link ServerConnection}) or HTTP/2. */
    interface Owner {

        /** The event loop the connection's writes run on. */
        EventExecutor loop();

        /** Writes the answer of {@code exchange} now on the event loop, or queues it there; from any thread. */
        default void send(ServerExchange exchange) {
            EventExecutor loop = loop();
            if (loop.inEventLoop()) {
                write(exchange);
            } else {
                try {
                    loop.execute(exchange);
                } catch (RejectedExecutionException closed) {
                    // the transport is shut down; there is no one left to answer
                }
            }
        }

        /** Whether {@link #stream} may take {@code exchange} over. */
        default boolean canStream(ServerExchange exchange) {
            return false;
        }

        /** Takes {@code exchange} over as the open of a stream; from any thread, once per exchange. */
        default MessageStream stream(ServerExchange exchange) {
            throw new UnsupportedOperationException("this connection does not stream");
        }

        /** Writes the answer of {@code exchange}; on the event loop. */
        void write(ServerExchange exchange);

        /** An error met on the event loop (see {@link HttpTransport#onLoopError}). */
        void loopError(Throwable e);

        /** The caller's address, {@code host:port}. */
        String remoteAddress();

        /** The address the request arrived on. */
        String localAddress();
    }
}
