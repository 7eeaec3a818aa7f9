package io.microcdi.transport.memory;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One {@code send}: the future handed to the caller, the exchange handed to the handler, and the task its timer runs
 * (so a call costs one object besides the timer's entry).
 *
 * <pre>{@code
 * MemoryExchange ex = new MemoryExchange(listener, request, "/", false, timeoutNanos);
 * ex.start(scheduler.schedule(ex, timeoutNanos, NANOSECONDS));
 * return ex;
 * }</pre>
 */
final class MemoryExchange extends CompletableFuture<Message> implements StreamingExchange, Runnable {

    private static final AtomicIntegerFieldUpdater<MemoryExchange> ANSWERED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryExchange.class, "answered");
    private static final AtomicIntegerFieldUpdater<MemoryExchange> STREAMED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryExchange.class, "streamed");

    private final MemoryListener listener;
    private final Message request;
    private final String path;
    /** Whether the caller reads the status itself ({@code post}); a {@code send} fails on one other than 200. */
    private final boolean readsStatus;
    private final long timeoutNanos;
    /** Set before the handler runs, so before any reply can cancel it. */
    private ScheduledFuture<?> timer;
    /** 1 once the handler replied or failed: the listener counts the call out exactly once. */
    private volatile int answered;
    /** 1 once the handler took the call over as a stream. */
    private volatile int streamed;
    /** The status of the reply; written before the future completes, which publishes it. */
    private int status = 200;

    MemoryExchange(MemoryListener listener, Message request, String path, boolean readsStatus, long timeoutNanos) {
        this.listener = listener;
        this.request = request;
        this.path = path;
        this.readsStatus = readsStatus;
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
    public void reply(int status, Message response) {
        if (status < 200 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200 to 999)");
        }
        if (!ANSWERED.compareAndSet(this, 0, 1)) {
            return; // a second reply is ignored, as on a socket whose response was written
        }
        this.status = status;
        // the reply is handed over before the call counts out: a listener drained on that count (a server
        // stopping, a broker disconnecting) and closed right after must not turn this reply into a failure
        try {
            if (listener.isClosed()) {
                finish(null, new TransportException("send to " + listener.address() + ": listener closed", null,
                        true));
            } else if (status != 200 && !readsStatus && !carriesError(response)) {
                finish(null, statusError(status, response));
            } else {
                finish(response, null);
            }
        } finally {
            listener.exit();
        }
    }

    /** Whether {@code m} carries a Go Micro error: then it is the answer, whatever the status. */
    static boolean carriesError(Message m) {
        return m.header().contains("Micro-Error") || m.header().contains("X-Micro-Error");
    }

    /** What a {@code send} answered with {@code status} and no Go Micro error fails with, as over HTTP. */
    static MicroException statusError(int status, Message response) {
        return new MicroException("go.micro.client.transport", 500, status + " " + MicroException.statusText(status)
                + ": " + new String(response.body(), StandardCharsets.UTF_8), MicroException.statusText(500));
    }

    /**
     * A call sent with {@code send} to an endpoint that streams: the request is the stream's one message, and the
     * first message the handler's stream sends (or its error) is the reply; the rest is dropped.
     */
    @Override
    public MessageStream stream() {
        if (answered != 0 || !STREAMED.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("stream: the request was already answered (expected: stream() once, "
                    + "instead of reply)");
        }
        String id = request.header().get(MessageStream.STREAM_HEADER);
        MemoryStream[] pair = MemoryStream.pair(id == null ? "0" : id, Duration.ZERO, listener.streamIdleTimeout(),
                listener.address());
        MemoryStream client = pair[0];
        whenComplete((m, e) -> {
            if (e != null) {
                client.cancel(); // timed out: the stream goes too
            }
        });
        client.send(s -> MemoryStreamExchange.one(request, s));
        client.receive(new Flow.Subscriber<Message>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(Message item) {
                subscription.cancel();
                reply(item);
            }

            @Override
            public void onError(Throwable t) {
                if (t instanceof MicroException e) {
                    reply(client.errorFor(e));
                } else if (ANSWERED.compareAndSet(MemoryExchange.this, 0, 1)) {
                    listener.exit();
                    finish(null, new TransportException("send to " + listener.address() + ": stream failed: "
                            + t.getMessage(), t, true));
                }
            }

            @Override
            public void onComplete() {
                reply(new Message(Metadata.of(), null)); // the stream ended without a message
            }
        }, Runnable::run);
        return pair[1];
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
