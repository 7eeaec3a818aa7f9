package io.microcdi.transport.memory;

import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exchange a listener's handler gets for a stream opened with {@link MemoryTransport#stream}: its request is the
 * open message, and {@link #stream()} hands out the server end. A handler that replies instead (an unknown endpoint,
 * say) answers the stream with that one message: the client's receiver gets it (an error when it carries
 * {@code Micro-Error}), and what the client still sends is dropped.
 *
 * <pre>{@code
 * MessageStream s = exchange.stream();
 * s.receive(subscriber, executor);
 * s.send(publisher);
 * }</pre>
 */
final class MemoryStreamExchange implements StreamingExchange {

    private final MemoryListener listener;
    private final Message open;
    private final MemoryStream server;
    private final AtomicBoolean answered = new AtomicBoolean();

    MemoryStreamExchange(MemoryListener listener, Message open, MemoryStream server) {
        this.listener = listener;
        this.open = open;
        this.server = server;
    }

    /** Marks the exchange answered; {@code false} when it already was. */
    boolean answer() {
        return answered.compareAndSet(false, true);
    }

    @Override
    public Message request() {
        return open;
    }

    @Override
    public String remoteAddress() {
        return server.remoteAddress();
    }

    @Override
    public String localAddress() {
        return listener.address();
    }

    @Override
    public MessageStream stream() {
        if (!answer()) {
            throw new IllegalStateException("stream: the request was already answered (expected: stream() once, "
                    + "instead of reply)");
        }
        return server;
    }

    /**
     * A status other than 200 without a Go Micro error reaches the client's receiver as the error a {@code send}
     * would fail with.
     */
    @Override
    public void reply(int status, Message response) {
        if (status < 200 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200 to 999)");
        }
        if (!answer()) {
            return; // a second answer is ignored, as in MemoryExchange
        }
        server.receive(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel(); // nobody reads the client's messages: they are dropped
            }

            @Override
            public void onNext(Message item) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        }, Runnable::run);
        Message answer = status == 200 || MemoryExchange.carriesError(response) ? response
                : server.errorFor(MemoryExchange.statusError(status, response));
        server.send(subscriber -> one(answer, subscriber));
    }

    /** Publishes {@code m}, then completes. */
    static void one(Message m, Flow.Subscriber<? super Message> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
                if (!done && n > 0) {
                    done = true;
                    subscriber.onNext(m);
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done = true;
            }
        });
    }
}
