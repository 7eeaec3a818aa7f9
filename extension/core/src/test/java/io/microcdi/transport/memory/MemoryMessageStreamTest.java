package io.microcdi.transport.memory;

import io.microcdi.errors.MicroException;
import io.microcdi.errors.ErrorJson;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.transport.MessageStreamContract;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The memory transport passes the {@link MessageStreamContract}; here is what is its own: the open message handed
 * over as is, a unary send to a streaming handler, the idle timeout's key, and the order of signals on a pool that
 * reorders tasks.
 */
class MemoryMessageStreamTest extends MessageStreamContract {

    private final List<Transport> transports = new ArrayList<>();

    @Override
    protected StreamingTransport newTransport(Duration streamIdleTimeout) {
        return new MemoryTransport(streamIdleTimeout);
    }

    /** The engine's windows hold a few hundred messages: twenty thousand are plenty. */
    @Override
    protected int stalledOffer() {
        return 20_000;
    }

    @AfterEach
    void closeTransports() {
        transports.forEach(Transport::close);
    }

    private MemoryTransport transport(Duration idle) {
        MemoryTransport t = new MemoryTransport(idle);
        transports.add(t);
        return t;
    }

    private static Message open(String id) {
        return new Message(Metadata.of(MessageStream.STREAM_HEADER, id, "Micro-Endpoint", "Test.Stream",
                "Content-Type", "application/octet-stream"), null);
    }

    /** A connected stream: the client end and the end the listener's handler took. */
    private record Pair(MessageStream client, MessageStream server) {
    }

    private Pair open() {
        CompletableFuture<MessageStream> server = new CompletableFuture<>();
        Listener l = transport(Duration.ZERO).listen("memory:0",
                ex -> server.complete(((StreamingExchange) ex).stream()));
        MessageStream client = transport(Duration.ZERO).stream(l.address(), open("7"), Duration.ofSeconds(5)).join();
        return new Pair(client, server.join());
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class);
        Throwable e = f.handle((v, x) -> x).join();
        return e instanceof CompletionException c ? c.getCause() : e;
    }

    /** Runs its tasks when the test says, in the order it says: a thread pool may run them in any order. */
    private static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int size() {
            return tasks.size();
        }

        synchronized Runnable takeLast() {
            return tasks.pollLast();
        }
    }

    @Test
    void theHandlerGetsTheOpenMessageItselfAndTheStreamItsId() {
        AtomicReference<Exchange> seen = new AtomicReference<>();
        Listener l = transport(Duration.ZERO).listen("memory:0", ex -> {
            seen.set(ex);
            ((StreamingExchange) ex).stream();
        });
        Message open = open("42");
        MessageStream client = transport(Duration.ZERO).stream(l.address(), open, Duration.ofSeconds(1)).join();
        assertThat(seen.get().request()).isSameAs(open);
        assertThat(((MemoryStream) client).streamId()).isEqualTo("42");
        client.cancel();
    }

    @Test
    void aUnarySendToAStreamingHandlerGetsItsFirstMessage() {
        Listener l = transport(Duration.ZERO).listen("memory:0", ex -> {
            MessageStream s = ((StreamingExchange) ex).stream();
            s.send(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                private boolean done;

                public void request(long n) {
                    if (!done) {
                        done = true;
                        subscriber.onNext(new Message(Metadata.of("Content-Type", "text/plain"),
                                "first".getBytes(StandardCharsets.UTF_8)));
                        subscriber.onComplete();
                    }
                }

                public void cancel() {
                    done = true;
                }
            }));
        });
        Message reply = transport(Duration.ZERO).send(l.address(), open("1"), Duration.ofSeconds(5)).join();
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("first");
    }

    @Test
    void theIdleTimeoutIsReadFromTheConfigurationAndZeroMeansNone() {
        MemoryTransportProvider provider = new MemoryTransportProvider();
        assertThat(((MemoryTransport) provider.create(DefaultMicroConfig.of(Map.of()))).streamIdleTimeout())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(((MemoryTransport) provider.create(DefaultMicroConfig.of(
                Map.of("micro.transport.stream-idle-timeout", "0")))).streamIdleTimeout()).isZero();
        assertThat(((MemoryTransport) provider.create(DefaultMicroConfig.of(
                Map.of("micro.transport.stream-idle-timeout", "2s")))).streamIdleTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> provider.create(DefaultMicroConfig.of(
                Map.of("micro.transport.stream-idle-timeout", "soon"))))
                .hasMessageContaining("micro.transport.stream-idle-timeout");
    }

    /**
     * A pool may run the receiver's tasks in any order: the end of stream must not be signalled before (or while)
     * onSubscribe runs (rule 1.3: signals are serial). Fails on the engine that ran onSubscribe as a task of its own.
     */
    @Test
    void noSignalOvertakesOnSubscribeOnAPoolThatReordersTasks() throws Exception {
        Pair p = open();
        List<String> signals = java.util.Collections.synchronizedList(new ArrayList<>());
        ManualExecutor pool = new ManualExecutor();
        p.client().receive(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription s) {
                signals.add("onSubscribe");
                s.request(1);
            }

            public void onNext(Message item) {
                signals.add("onNext");
            }

            public void onError(Throwable t) {
                signals.add("onError");
            }

            public void onComplete() {
                signals.add("onComplete");
            }
        }, pool);
        p.client().send(new Empty());
        p.server().receive(new Drop(), Runnable::run);
        p.server().send(new Empty());
        // the server end is over once its end of stream was handed to the client end: its delivery is scheduled
        await().until(() -> ((MemoryStream) p.server()).ended());
        Runnable t;
        while ((t = pool.takeLast()) != null) {
            t.run(); // newest first
        }
        assertThat(signals).containsExactly("onSubscribe", "onComplete");
    }

    /**
     * The peer ended its direction, then broke the stream (cancelled, say) while our receiver had not read it all:
     * what it sent up to its end of stream is still delivered, and then the completion. Failed on the engine that
     * dropped those queued messages but still signalled onComplete, as if nothing were missing.
     */
    @Test
    void aBreakAfterThePeersEndOfStreamKeepsWhatItSentBefore() throws Exception {
        Pair p = open();
        java.util.concurrent.atomic.AtomicInteger items = new java.util.concurrent.atomic.AtomicInteger();
        AtomicReference<Object> end = new AtomicReference<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        p.client().receive(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(1);
            }

            public void onNext(Message item) {
                items.incrementAndGet();
            }

            public void onError(Throwable t) {
                end.set(t);
            }

            public void onComplete() {
                end.set("complete");
            }
        }, Runnable::run);
        p.client().send(new Silent());
        p.server().send(new Ten());
        // the ten messages and the end of stream are handed over in one go, the first delivered at once
        await().until(() -> items.get() == 1);
        p.server().cancel();
        await().until(() -> ((MemoryStream) p.client()).ended());
        subscription.get().request(Long.MAX_VALUE);
        await().until(() -> end.get() != null);
        assertThat(items.get()).isEqualTo(10);
        assertThat(end.get()).isEqualTo("complete");
    }

    static final class Silent implements Flow.Publisher<Message> {
        public void subscribe(Flow.Subscriber<? super Message> s) {
            s.onSubscribe(new Flow.Subscription() {
                public void request(long n) {
                }

                public void cancel() {
                }
            });
        }
    }

    static final class Ten implements Flow.Publisher<Message> {
        public void subscribe(Flow.Subscriber<? super Message> s) {
            s.onSubscribe(new Flow.Subscription() {
                private boolean done;

                public void request(long n) {
                    if (!done) {
                        done = true;
                        for (int i = 0; i < 10; i++) {
                            s.onNext(new Message(Metadata.of("Content-Type", "text/plain"), null));
                        }
                        s.onComplete();
                    }
                }

                public void cancel() {
                    done = true;
                }
            });
        }
    }

    static final class Empty implements Flow.Publisher<Message> {
        public void subscribe(Flow.Subscriber<? super Message> s) {
            s.onSubscribe(new Flow.Subscription() {
                private boolean done;

                public void request(long n) {
                    if (!done) {
                        done = true;
                        s.onComplete();
                    }
                }

                public void cancel() {
                    done = true;
                }
            });
        }
    }

    static final class Drop implements Flow.Subscriber<Message> {
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        public void onNext(Message item) {
        }

        public void onError(Throwable t) {
        }

        public void onComplete() {
        }
    }
}
