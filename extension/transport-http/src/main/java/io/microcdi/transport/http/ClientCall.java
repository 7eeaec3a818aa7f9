package io.microcdi.transport.http;

import io.microcdi.transport.Message;
import io.microcdi.transport.TransportTimeoutException;

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
    /** The connection that runs the call; set before {@link #run} is queued. */
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
