package io.microcdi.client.grpc;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.grpc.GrpcErrors;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client stream over one gRPC call: each message sent is one gRPC message, each gRPC message received one message,
 * the end of this side's direction a half-close, and the call's status the end of the peer's (OK) or its error.
 * Whatever the endpoint's kind (server, client or bidirectional streaming), the call is made as a bidirectional one:
 * on the wire they are the same, and the typed client sends one request to a server-streaming endpoint.
 *
 * <p>Demand carries through: the receiver's requests become the call's {@code request(n)}, and the sender's publisher
 * is asked for one message at a time while the call is ready to take it. {@link ClientCall} is not thread-safe, so
 * every use of it holds {@link #call}'s lock; the call's callbacks (on its channel's thread) are handed to the
 * receiver on its executor, one at a time and in order.
 */
final class GrpcClientStream extends ClientCall.Listener<byte[]> implements MessageStream {

    private static final String ID = "go.micro.client";

    private final ClientCall<byte[], byte[]> call;
    private final String address;
    private final io.microcdi.metadata.Metadata itemHeader;

    /** The receiver's signals, run in order on its executor by one drain at a time. */
    private final ConcurrentLinkedDeque<Runnable> signals = new ConcurrentLinkedDeque<>();
    private final AtomicInteger draining = new AtomicInteger();
    private volatile Flow.Subscriber<? super Message> receiver;
    private volatile Executor executor;
    /** Set by the drain only: the receiver got its terminal signal, or gave up on the stream. */
    private boolean done;
    private volatile boolean dropping;

    private volatile Flow.Subscription outbound;
    /** The sender is waiting for the call to become ready before asking its publisher for the next message. */
    private final AtomicBoolean waiting = new AtomicBoolean();
    private volatile boolean headersSeen;
    private volatile boolean closed;
    private volatile Throwable sendFailure;

    GrpcClientStream(ClientCall<byte[], byte[]> call, String address, String contentType) {
        this.call = call;
        this.address = address;
        this.itemHeader = io.microcdi.metadata.Metadata.of("Content-Type", contentType);
    }

    /** Starts the call with {@code headers}; signals that arrive before {@link #receive} wait for it. */
    void start(Metadata headers) {
        synchronized (call) {
            call.start(this, headers);
        }
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    // ---- what the peer sends ----

    @Override
    public void receive(Flow.Subscriber<? super Message> subscriber, Executor executor) {
        if (receiver != null) {
            throw new IllegalStateException("receive: already called");
        }
        receiver = subscriber;
        signals.addFirst(() -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    signals.add(() -> fail(new IllegalArgumentException("request: " + n + " (expected: > 0)")));
                    schedule();
                    return;
                }
                synchronized (call) {
                    call.request((int) Math.min(n, Integer.MAX_VALUE));
                }
            }

            @Override
            public void cancel() {
                // drops what the peer still sends without cancelling the stream: keep reading it
                dropping = true;
                synchronized (call) {
                    call.request(Integer.MAX_VALUE);
                }
            }
        }));
        this.executor = executor;
        schedule();
    }

    @Override
    public void onHeaders(Metadata headers) {
        headersSeen = true;
    }

    @Override
    public void onMessage(byte[] message) {
        signals.add(() -> {
            if (!done && !dropping) {
                receiver.onNext(new Message(itemHeader, message));
            }
        });
        schedule();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        closed = true;
        Flow.Subscription out = outbound;
        if (out != null && !status.isOk()) {
            out.cancel();
        }
        Throwable failure = status.isOk() ? null : failure(status, trailers);
        signals.add(() -> {
            if (done) {
                return;
            }
            done = true;
            if (dropping) {
                return;
            }
            if (failure == null) {
                receiver.onComplete();
            } else {
                receiver.onError(failure);
            }
        });
        schedule();
    }

    private Throwable failure(Status status, Metadata trailers) {
        Throwable sent = sendFailure;
        if (sent != null) {
            return sent instanceof MicroException ? sent : new MicroException(ID, 500, "stream to " + address
                    + ": " + sent.getMessage(), MicroException.statusText(500), sent);
        }
        boolean fromNode = headersSeen || status.getDescription() != null && status.getDescription().startsWith("{");
        if (!fromNode && (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.CANCELLED)) {
            return new TransportException("gRPC stream to " + address + ": " + status.getCode() + " "
                    + status.getDescription(), status.getCause(), true);
        }
        return GrpcErrors.toMicro(status, trailers, ID);
    }

    private void fail(Throwable t) {
        if (!done) {
            done = true;
            cancel();
            receiver.onError(t);
        }
    }

    private void schedule() {
        Executor e = executor;
        if (e == null || draining.getAndIncrement() != 0) {
            return;
        }
        e.execute(this::drain);
    }

    private void drain() {
        int missed = 1;
        while (true) {
            Runnable r;
            while ((r = signals.poll()) != null) {
                r.run();
            }
            missed = draining.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    // ---- what we send ----

    @Override
    public void send(Flow.Publisher<? extends Message> publisher) {
        if (outbound != null) {
            throw new IllegalStateException("send: already called");
        }
        publisher.subscribe(new Flow.Subscriber<Message>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                if (outbound != null) {
                    s.cancel();
                    return;
                }
                outbound = s;
                if (closed) {
                    s.cancel();
                } else {
                    more(s);
                }
            }

            @Override
            public void onNext(Message m) {
                boolean ready;
                synchronized (call) {
                    if (closed) {
                        return;
                    }
                    call.sendMessage(m.body() == null ? new byte[0] : m.body());
                    ready = call.isReady();
                }
                if (ready) {
                    outbound.request(1);
                } else {
                    more(outbound);
                }
            }

            @Override
            public void onError(Throwable t) {
                sendFailure = t;
                synchronized (call) {
                    call.cancel("the client's stream failed: " + t.getMessage(), t);
                }
            }

            @Override
            public void onComplete() {
                synchronized (call) {
                    if (!closed) {
                        call.halfClose();
                    }
                }
            }
        });
    }

    /** Asks for the next message now if the call can take it, else once it becomes ready. */
    private void more(Flow.Subscription s) {
        waiting.set(true);
        boolean ready;
        synchronized (call) {
            ready = call.isReady();
        }
        if (ready && waiting.compareAndSet(true, false)) {
            s.request(1);
        }
    }

    @Override
    public void onReady() {
        Flow.Subscription s = outbound;
        if (s != null && waiting.compareAndSet(true, false)) {
            s.request(1);
        }
    }

    @Override
    public void cancel() {
        if (closed) {
            return;
        }
        dropping = true;
        Flow.Subscription s = outbound;
        if (s != null) {
            s.cancel();
        }
        synchronized (call) {
            call.cancel("cancelled by the client", null);
        }
    }
}
