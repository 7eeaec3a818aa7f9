package io.microcdi.transport.memory;

import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One {@code send}: the future handed to the caller, the exchange handed to the handler, and the task its timer runs
 * (so a call costs one object besides the timer's entry).
 *
 * <pre>{@code
 * MemoryExchange ex = new MemoryExchange(listener, request, "/", timeoutNanos);
 * ex.start(scheduler.schedule(ex, timeoutNanos, NANOSECONDS));
 * return ex;
 * }</pre>
 */
final class MemoryExchange extends CompletableFuture<Message> implements Exchange, Runnable {

    private static final AtomicIntegerFieldUpdater<MemoryExchange> ANSWERED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryExchange.class, "answered");

    private final MemoryListener listener;
    private final Message request;
    private final String path;
    private final long timeoutNanos;
    /** Set before the handler runs, so before any reply can cancel it. */
    private ScheduledFuture<?> timer;
    /** 1 once the handler replied or failed: the listener counts the call out exactly once. */
    private volatile int answered;
    /** The status of the reply; written before the future completes, which publishes it. */
    private int status = 200;

    MemoryExchange(MemoryListener listener, Message request, String path, long timeoutNanos) {
        this.listener = listener;
        this.request = request;
        this.path = path;
        this.timeoutNanos = timeoutNanos;
    }

    /** Hands the request to the handler; the listener has counted the call in. */
    void start(ScheduledFuture<?> timer) {
        this.timer = timer;
        try {
            listener.handler.handle(this);
        } catch (RuntimeException | Error e) {
            if (ANSWERED.compareAndSet(this, 0, 1)) {
                listener.exit();
                finish(null, new TransportException("send to " + listener.address() + ": handler failed: "
                        + e.getMessage(), e, true));
            }
        }
    }

    @Override
    public Message request() {
        return request;
    }

    @Override
    public String path() {
        return path;
    }

    /** The status of the reply, once the future completed normally. */
    int status() {
        return status;
    }

    /** The caller has no address of its own: the in-process peer. */
    @Override
    public String remoteAddress() {
        return MemoryTransport.DEFAULT_HOST + ":0";
    }

    @Override
    public String localAddress() {
        return listener.address();
    }

    @Override
    public void reply(Message response) {
        reply(200, response);
    }

    @Override
    public void reply(int status, Message response) {
        if (!ANSWERED.compareAndSet(this, 0, 1)) {
            return; // a second reply is ignored, as on a socket whose response was written
        }
        this.status = status;
        listener.exit();
        if (listener.isClosed()) {
            finish(null, new TransportException("send to " + listener.address() + ": listener closed", null,
                    true));
        } else {
            finish(response, null);
        }
    }

    private void finish(Message response, Throwable error) {
        ScheduledFuture<?> t = timer;
        boolean done = error == null ? complete(response) : completeExceptionally(error);
        if (done && t != null) {
            t.cancel(false);
        }
    }

    /** The timer: no reply in time. The handler may still reply later; that reply is dropped. */
    @Override
    public void run() {
        completeExceptionally(timeout());
    }

    TransportTimeoutException timeout() {
        // the exchange was handed to the listener: its handler may be running
        return new TransportTimeoutException("request to " + listener.address() + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", true);
    }
}
