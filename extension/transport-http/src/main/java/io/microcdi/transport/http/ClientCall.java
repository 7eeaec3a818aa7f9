package io.microcdi.transport.http;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportTimeoutException;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code send}: the future handed to the caller, and the task that starts it on its connection's event loop (so
 * a call costs one object, not three).
 *
 * <pre>{@code
 * ClientCall call = new ClientCall(request, System.nanoTime(), timeout.toNanos());
 * pool.acquire(call);
 * return call;
 * }</pre>
 *
 * <p>Until a connection takes it, the call is guarded by its pool's lock; after, by that connection's event loop.
 */
final class ClientCall extends CompletableFuture<Message> implements Runnable {

    final Message request;
    /**
     * The request line and {@code Host} of a {@link HttpTransport#post} to a path; {@code null} for an RPC call,
     * which uses its pool's {@code POST /}.
     */
    final byte[] head;
    final long deadline;
    private final long timeoutNanos;
    /** The connection that runs the call over HTTP/1.1; set before {@link #run} is queued. */
    ClientConnection connection;
    /** The wait for a free connection, or the wait for the response. */
    ScheduledFuture<?> timer;
    /** The request bytes reached the socket: the server may have run it. */
    boolean written;
    /** The status of the answer of a call with a {@link #head}, written before the future completes. */
    int status;

    ClientCall(Message request, long start, long timeoutNanos) {
        this(request, null, start, timeoutNanos);
    }

    ClientCall(Message request, byte[] head, long start, long timeoutNanos) {
        this.request = request;
        this.head = head;
        this.timeoutNanos = timeoutNanos;
        this.deadline = start + timeoutNanos; // the caller caps timeoutNanos so that this cannot wrap around
    }

    long remaining() {
        return deadline - System.nanoTime();
    }

    @Override
    public void run() {
        connection.begin(this);
    }

    /**
     * Completes with an answer: a post to a path takes it whatever its status; an RPC call fails on a status other
     * than {@code 200} that carries no Go Micro error, as Go Micro's client does
     * ({@code errors.InternalServerError("go.micro.client.transport", "%s: %s", rsp.Status, body)}).
     */
    void answered(int status, String reason, Metadata header, byte[] body) {
        if (head != null) {
            this.status = status; // its caller reads the status itself
            complete(new Message(header, body));
        } else if (status == 200 || header.contains("Micro-Error") || header.contains("X-Micro-Error")) {
            complete(new Message(header, body));
        } else {
            completeExceptionally(new MicroException(HttpWire.CLIENT_ID, 500,
                    status + " " + reason + ": " + new String(body, StandardCharsets.UTF_8),
                    MicroException.statusText(500)));
        }
    }

    /** {@link #answered(int, String, Metadata, byte[])} for HTTP/2, where the status has no reason phrase. */
    void answered(int status, Metadata header, byte[] body) {
        answered(status, status == 200 ? "OK" : HttpResponseStatus.valueOf(status).reasonPhrase(), header, body);
    }

    TransportTimeoutException timeout(String address, String phase) {
        return new TransportTimeoutException(phase + " " + address + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", written);
    }

    void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }
}
