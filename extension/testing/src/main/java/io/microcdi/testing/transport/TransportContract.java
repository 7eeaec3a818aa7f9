package io.microcdi.testing.transport;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link Transport} must do for unary calls, checked through the public API only: a plugin's test
 * extends it with one factory method, and passes as the built-in transports do.
 *
 * <pre>{@code
 * class MyTransportTest extends TransportContract {
 *     protected Transport newTransport() {
 *         return new MyTransport(MyTransportConfig.defaults());
 *     }
 * }
 * }</pre>
 *
 * <p>It covers listening on a free port, a send and its reply, headers both ways, empty and large bodies, many
 * concurrent sends, statuses ({@link Exchange#reply(int, Message)}), the failures {@link Transport#send} documents (a
 * closed port, a timeout), {@link Transport#disconnect}, and the lifecycle of listeners and the transport: an
 * address freed on close, {@link Listener#stopAccepting()} and {@link Listener#awaitConnectionsClosed}. What a
 * transport does beyond it (pools, HTTP framing, TLS) is the plugin's own test's business.
 *
 * <p>A test the plugin cannot pass by design is overridden in the subclass with {@code @Test @Disabled("why")}, so
 * that the reason shows in the test report; test methods are public for that.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a transport that hangs fails its test instead of the build
public abstract class TransportContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(16);

    /** A new transport of the plugin under test, with its default settings; the suite closes it. */
    protected abstract Transport newTransport();

    /** Where the suite listens; by default a free port on the loopback interface. */
    protected String listenAddress() {
        return "127.0.0.1:0";
    }

    /** The timeout of the send that is never answered: short, but long enough to deliver the request. 300 ms. */
    protected Duration shortTimeout() {
        return Duration.ofMillis(300);
    }

    /** The size of the large bodies sent each way: 2 MiB by default. */
    protected int largeBodySize() {
        return 2 * 1024 * 1024;
    }

    @AfterEach
    void closeEverything() throws Exception {
        callers.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Transport transport() {
        Transport t = newTransport();
        closing.add(t);
        return t;
    }

    private Listener listen(Transport t, Transport.Handler handler) {
        Listener l = t.listen(listenAddress(), handler);
        closing.add(l);
        return l;
    }

    /** Echoes the request: its headers plus {@code X-Remote} and {@code X-Local}, its body unchanged. */
    private static void echo(Exchange ex) {
        Message rq = ex.request();
        ex.reply(new Message(rq.header().with("X-Remote", ex.remoteAddress()).with("X-Local", ex.localAddress()),
                rq.body()));
    }

    private static Message text(String body, String... headers) {
        return new Message(Metadata.of(headers).with("Content-Type", "text/plain"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("no failure within 30 s", e);
        }
        throw new AssertionError("completed normally");
    }

    /** An address the transport listened on and no longer does. */
    private String closedAddress(Transport t) {
        Listener l = t.listen(listenAddress(), Exchange::request);
        String address = l.address();
        l.close();
        return address;
    }

    // ---------------------------------------------------------------- listen, send, reply

    @Test
    public void listensOnAFreePortAndAnswersASend() {
        Transport t = transport();
        assertThat(t.name()).isNotBlank().isLowerCase();
        AtomicReference<Exchange> seen = new AtomicReference<>();
        Listener l = listen(t, ex -> {
            seen.set(ex);
            echo(ex);
        });
        assertThat(l.address()).doesNotEndWith(":0").contains(":");

        Message rsp = t.send(l.address(), text("hello"), TIMEOUT).join();

        assertThat(text(rsp)).isEqualTo("hello");
        assertThat(seen.get().localAddress()).isEqualTo(l.address());
        assertThat(seen.get().remoteAddress()).isNotBlank();
        assertThat(rsp.header().get("X-Local")).isEqualTo(l.address());
    }

    @Test
    public void headersTravelBothWaysAsSent() {
        Transport t = transport();
        AtomicReference<Message> seen = new AtomicReference<>();
        Listener l = listen(t, ex -> {
            seen.set(ex.request());
            ex.reply(new Message(Metadata.of("Content-Type", "application/json", "X-Answer", "42",
                    "Micro-Id", ex.request().header().get("Micro-Id")), "{}".getBytes(StandardCharsets.UTF_8)));
        });
        String unicode = "ünïcødé 名前";

        Message rsp = t.send(l.address(), text("{}", "Micro-Service", "greeter", "Micro-Endpoint", "Greeter.Hello",
                "Micro-Id", "17", "X-MiXeD-case", "v", "X-Unicode", unicode, "Timeout", "4999967770"), TIMEOUT)
                .join();

        Metadata in = seen.get().header();
        assertThat(in.get("Micro-Service")).isEqualTo("greeter");
        assertThat(in.get("micro-endpoint")).as("names are case-insensitive").isEqualTo("Greeter.Hello");
        assertThat(in.get("X-MiXeD-case")).isEqualTo("v");
        assertThat(in.get("X-Unicode")).isEqualTo(unicode);
        assertThat(in.get("Timeout")).isEqualTo("4999967770");
        assertThat(in.get("Content-Type")).isEqualTo("text/plain");
        assertThat(rsp.header().get("X-Answer")).isEqualTo("42");
        assertThat(rsp.header().get("Micro-Id")).isEqualTo("17");
        assertThat(rsp.header().get("Content-Type")).isEqualTo("application/json");
        assertThat(text(rsp)).isEqualTo("{}");
    }

    @Test
    public void emptyBodiesTravelAsEmpty() {
        Transport t = transport();
        AtomicReference<Message> seen = new AtomicReference<>();
        Listener l = listen(t, ex -> {
            seen.set(ex.request());
            ex.reply(new Message(Metadata.of("X-Empty", "yes"), null));
        });

        Message rsp = t.send(l.address(), new Message(Metadata.of("X-Empty", "yes"), null), TIMEOUT).join();

        assertThat(seen.get().body()).isEmpty();
        assertThat(rsp.body()).isEmpty();
        assertThat(rsp.header().get("X-Empty")).isEqualTo("yes");
    }

    @Test
    public void largeBodiesRoundTripByteForByte() {
        Transport t = transport();
        Listener l = listen(t, ex -> {
            byte[] in = ex.request().body();
            byte[] out = new byte[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = (byte) ~in[i];
            }
            ex.reply(new Message(Metadata.of("Content-Type", "application/octet-stream"), out));
        });
        byte[] body = new byte[largeBodySize()];
        new Random(13).nextBytes(body);

        Message rsp = t.send(l.address(), new Message(Metadata.of("Content-Type", "application/octet-stream"),
                body.clone()), TIMEOUT).join();

        assertThat(rsp.body()).hasSize(body.length);
        for (int i = 0; i < body.length; i++) {
            if (rsp.body()[i] != (byte) ~body[i]) {
                throw new AssertionError("byte " + i + " differs");
            }
        }
    }

    @Test
    public void manyConcurrentSendsGetEachItsOwnReply() throws Exception {
        Transport t = transport();
        ExecutorService repliers = Executors.newFixedThreadPool(4);
        closing.add(repliers::shutdownNow);
        Listener l = listen(t, ex -> {
            if (ex.request().body().length % 2 == 0) {
                echo(ex); // on the transport's thread
            } else {
                repliers.execute(() -> echo(ex)); // from another thread
            }
        });
        int threads = 16;
        int calls = 100;
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            results.add(callers.submit(() -> {
                int ok = 0;
                for (int c = 0; c < calls; c++) {
                    String body = "call " + thread + "/" + c;
                    Message rsp = t.send(l.address(), text(body, "X-Call", body), TIMEOUT).get(30, TimeUnit.SECONDS);
                    if (text(rsp).equals(body) && body.equals(rsp.header().get("X-Call"))) {
                        ok++;
                    }
                }
                return ok;
            }));
        }
        int ok = 0;
        for (Future<Integer> r : results) {
            ok += r.get(60, TimeUnit.SECONDS);
        }
        assertThat(ok).isEqualTo(threads * calls);
    }

    // ---------------------------------------------------------------- statuses

    @Test
    public void aStatusOtherThan200WithoutMicroErrorFailsTheSendWithA500NamingIt() {
        Transport t = transport();
        Listener l = listen(t, ex -> ex.reply(404, text("no such subscription")));

        Throwable e = failure(t.send(l.address(), text("{}"), TIMEOUT));

        assertThat(e).isInstanceOfSatisfying(MicroException.class, m -> {
            assertThat(m.code()).isEqualTo(500);
            assertThat(m.detail()).startsWith("404").contains("no such subscription");
        });
    }

    @Test
    public void aStatusWithMicroErrorIsTheAnswer() {
        Transport t = transport();
        String error = "{\"id\":\"greeter\",\"code\":409,\"detail\":\"taken\",\"status\":\"Conflict\"}";
        Listener l = listen(t, ex -> ex.reply(409, new Message(Metadata.of("Micro-Error", error), null)));

        Message rsp = t.send(l.address(), text("{}"), TIMEOUT).join();

        assertThat(rsp.header().get("Micro-Error")).isEqualTo(error);
    }

    @Test
    public void aStatusOutOfRangeIsRefusedAndTheRequestCanStillBeAnswered() {
        Transport t = transport();
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        Listener l = listen(t, ex -> {
            try {
                ex.reply(99, text("never"));
                refused.complete(null);
            } catch (IllegalArgumentException e) {
                refused.complete(e);
            }
            ex.reply(text("after all"));
        });

        assertThat(text(t.send(l.address(), text("{}"), TIMEOUT).join())).isEqualTo("after all");
        assertThat(refused.join()).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- failures

    @Test
    public void sendingToAClosedPortFailsWithNothingSent() {
        Transport t = transport();
        String address = closedAddress(t);

        Throwable e = failure(t.send(address, text("{}"), TIMEOUT));

        assertThat(e).isInstanceOfSatisfying(TransportException.class,
                te -> assertThat(te.requestSent()).isFalse());
        assertThat(e.getMessage()).contains(address);
    }

    @Test
    public void sendingToAMalformedAddressFailsWithNothingSent() {
        Throwable e = failure(transport().send("no-port-here", text("{}"), TIMEOUT));

        assertThat(e).isInstanceOfSatisfying(TransportException.class,
                te -> assertThat(te.requestSent()).isFalse());
    }

    @Test
    public void aZeroTimeoutFailsAtOnce() {
        Transport t = transport();
        Listener l = listen(t, TransportContract::echo);

        assertThat(failure(t.send(l.address(), text("{}"), Duration.ZERO)))
                .isInstanceOf(TransportTimeoutException.class);
    }

    @Test
    public void noReplyInTimeFailsWithATransportTimeoutAndALateReplyGoesNowhere() {
        Transport t = transport();
        BlockingQueue<Exchange> held = new LinkedBlockingQueue<>();
        Listener l = listen(t, ex -> {
            if (text(ex.request()).equals("hold")) {
                held.add(ex);
            } else {
                echo(ex);
            }
        });

        Throwable e = failure(t.send(l.address(), text("hold"), shortTimeout()));

        assertThat(e).isInstanceOfSatisfying(TransportTimeoutException.class,
                te -> assertThat(te.requestSent()).as("the handler got it").isTrue());
        assertThat(e.getMessage()).contains(l.address());
        assertThat(held).hasSize(1);
        held.poll().reply(text("late"));
        assertThat(text(t.send(l.address(), text("next"), TIMEOUT).join())).isEqualTo("next");
        // the late reply left nothing behind on the listener
        l.stopAccepting();
        assertThat(l.awaitConnectionsClosed(TIMEOUT)).isTrue();
    }

    @Test
    public void aHandlerThatThrowsDoesNotLeaveTheCallerWaitingForItsTimeout() {
        Transport t = transport();
        Listener l = listen(t, ex -> {
            throw new IllegalStateException("handler bug");
        });
        long start = System.nanoTime();

        CompletableFuture<Message> f = t.send(l.address(), text("{}"), Duration.ofSeconds(60));
        Throwable error = f.handle((m, e) -> e).orTimeout(30, TimeUnit.SECONDS).join();

        // a transport answers for the handler (an error message) or fails the call; either way, not a timeout
        if (error != null) {
            assertThat(error).isNotInstanceOf(TransportTimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    public void disconnectLetsTheNextSendDialAgain() {
        Transport t = transport();
        Listener l = listen(t, TransportContract::echo);
        assertThat(text(t.send(l.address(), text("one"), TIMEOUT).join())).isEqualTo("one");

        t.disconnect(l.address());
        t.disconnect(closedAddress(t)); // an address without connections: nothing to do

        assertThat(text(t.send(l.address(), text("two"), TIMEOUT).join())).isEqualTo("two");
    }

    @Test
    public void aClosedListenerFreesItsAddressAndRefusesSends() {
        Transport t = transport();
        Listener l = t.listen(listenAddress(), TransportContract::echo);
        String address = l.address();
        assertThat(text(t.send(address, text("before"), TIMEOUT).join())).isEqualTo("before");

        l.close();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(failure(t.send(address, text("x"), TIMEOUT)))
                .isInstanceOf(TransportException.class));
        Listener again = listen(t, TransportContract::echo, address);
        assertThat(again.address()).isEqualTo(address);
        assertThat(text(t.send(address, text("after"), TIMEOUT).join())).isEqualTo("after");
    }

    private Listener listen(Transport t, Transport.Handler handler, String address) {
        Listener l = t.listen(address, handler);
        closing.add(l);
        return l;
    }

    @Test
    public void listeningOnAnAddressInUseFails() {
        Transport t = transport();
        Listener l = listen(t, TransportContract::echo);

        assertThatThrownBy(() -> listen(t, TransportContract::echo, l.address()))
                .isInstanceOf(TransportException.class).hasMessageContaining(l.address());
    }

    @Test
    public void aClosedTransportFreesItsListenersAndRefusesWork() {
        Transport t = newTransport();
        Listener l = t.listen(listenAddress(), TransportContract::echo);
        String address = l.address();
        assertThat(text(t.send(address, text("before"), TIMEOUT).join())).isEqualTo("before");

        t.close();

        assertThat(failure(t.send(address, text("x"), TIMEOUT))).isInstanceOf(TransportException.class);
        assertThatThrownBy(() -> t.listen(listenAddress(), TransportContract::echo))
                .isInstanceOf(TransportException.class);
        Transport other = transport();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(failure(other.send(address, text("x"), TIMEOUT)))
                .as("its listener is gone").isInstanceOf(TransportException.class));
        Listener again = listen(other, TransportContract::echo, address);
        assertThat(text(other.send(again.address(), text("after"), TIMEOUT).join())).isEqualTo("after");
    }

    @Test
    public void stopAcceptingRefusesNewCallsAndAwaitsTheOnesInFlight() throws Exception {
        Transport t = transport();
        BlockingQueue<Exchange> held = new LinkedBlockingQueue<>();
        Listener l = listen(t, ex -> {
            if (text(ex.request()).equals("hold")) {
                held.add(ex);
            } else {
                echo(ex);
            }
        });
        CompletableFuture<Message> inFlight = t.send(l.address(), text("hold"), TIMEOUT);
        Exchange waiting = held.poll(10, TimeUnit.SECONDS);
        assertThat(waiting).as("the held call reached the handler").isNotNull();

        l.stopAccepting();

        Transport stranger = transport(); // a caller with no connection to reuse
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(failure(stranger.send(l.address(), text("new"),
                TIMEOUT))).isInstanceOfSatisfying(TransportException.class,
                e -> assertThat(e.requestSent()).isFalse()));
        assertThat(l.awaitConnectionsClosed(Duration.ofMillis(100))).as("a call is in flight").isFalse();

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                () -> l.awaitConnectionsClosed(TIMEOUT), callers);
        waiting.reply(text("held"));
        assertThat(text(inFlight.get(10, TimeUnit.SECONDS))).isEqualTo("held");
        assertThat(drained.get(15, TimeUnit.SECONDS)).as("every connection closed once answered").isTrue();
    }
}
