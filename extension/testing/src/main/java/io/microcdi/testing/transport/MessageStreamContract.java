package io.microcdi.testing.transport;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.testing.transport.StreamProbes.Range;
import io.microcdi.testing.transport.StreamProbes.Recorder;
import io.microcdi.testing.transport.StreamProbes.Silent;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link StreamingTransport}'s {@link MessageStream}s must do, checked through the public API only: a
 * plugin's test extends it with one factory method, and passes as the built-in transports do.
 *
 * <pre>{@code
 * class MyTransportStreamTest extends MessageStreamContract {
 *     protected StreamingTransport newTransport(Duration streamIdleTimeout) {
 *         return new MyTransport(MyTransportConfig.defaults().withStreamIdleTimeout(streamIdleTimeout));
 *     }
 * }
 * }</pre>
 *
 * <p>Every message of a stream carries the stream's id in {@link MessageStream#STREAM_HEADER}, as the framework's
 * do. Each test opens one stream the way the framework does: a server transport listens with a handler that takes the
 * request over ({@link StreamingExchange#stream()}), a second transport opens the stream to the listener's node,
 * whose metadata is what the server transport advertises ({@link StreamingTransport#nodeMetadata()}). It then drives
 * both ends: many messages in order both ways, backpressure (the receiver's demand bounds what the sender is asked
 * for), the end of stream each way, an error each way ending both, cancellation, the idle timeout, and that an
 * ended stream gives its listener back ({@link Listener#awaitConnectionsClosed} after
 * {@link Listener#stopAccepting()}). Timing-dependent tests take their durations from the methods a subclass may
 * override.
 *
 * <p>A test the plugin cannot pass by design is overridden in the subclass with {@code @Test @Disabled("why")}, so
 * that the reason shows in the test report; test methods are public for that.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a transport that hangs fails its test instead of the build
public abstract class MessageStreamContract {

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MANY = 100_000;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService clientThread = Executors.newSingleThreadExecutor();
    private final ExecutorService serverThread = Executors.newSingleThreadExecutor();

    /**
     * A new transport of the plugin under test whose streams (the ends it opens and those its listeners accept)
     * fail after {@code streamIdleTimeout} without a message either way; {@link Duration#ZERO} for never. The suite
     * closes it.
     */
    protected abstract StreamingTransport newTransport(Duration streamIdleTimeout);

    /** Where the suite listens; by default a free port on the loopback interface. */
    protected String listenAddress() {
        return "127.0.0.1:0";
    }

    /**
     * The stream idle timeout of the idle tests; long enough for the transport to open a stream and deliver a
     * message well within it. 300 ms by default.
     */
    protected Duration idleTimeout() {
        return Duration.ofMillis(300);
    }

    /**
     * How many messages a sender offers while its receiver asks for none: several times what the transport buffers
     * (its windows, socket buffers), as the sender must be asked for fewer than a third of them. 600,000 small
     * messages by default, ten times what loopback socket buffers hold.
     */
    protected int stalledOffer() {
        return 600_000;
    }

    @AfterEach
    void closeEverything() throws Exception {
        clientThread.shutdownNow();
        serverThread.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    // ---------------------------------------------------------------- opening

    /**
     * One stream under test.
     *
     * @param client   the end the client transport opened
     * @param server   the end the listener's handler took over
     * @param listener the listener the server end came through
     * @param open     the request the handler got
     */
    private record Opened(MessageStream client, MessageStream server, Listener listener, Message open) {
    }

    private StreamingTransport transport(Duration idle) {
        StreamingTransport t = newTransport(idle);
        closing.add(t);
        return t;
    }

    private static Message open(String id) {
        return new Message(Metadata.of("Content-Type", "application/octet-stream", "Micro-Service", "contract",
                "Micro-Endpoint", "Contract.Stream", MessageStream.STREAM_HEADER, id), null);
    }

    private static Node node(Listener l, StreamingTransport server) {
        return new Node("contract-1", l.address(), server.nodeMetadata());
    }

    private Opened open() throws Exception {
        return open(Duration.ZERO, Duration.ZERO);
    }

    private Opened open(Duration clientIdle, Duration serverIdle) throws Exception {
        StreamingTransport server = transport(serverIdle);
        CompletableFuture<MessageStream> serverEnd = new CompletableFuture<>();
        CompletableFuture<Message> seen = new CompletableFuture<>();
        Listener l = server.listen(listenAddress(), ex -> {
            seen.complete(ex.request());
            try {
                serverEnd.complete(((StreamingExchange) ex).stream());
            } catch (RuntimeException e) {
                serverEnd.completeExceptionally(e);
            }
        });
        closing.add(l);
        MessageStream client = transport(clientIdle).stream(node(l, server), open(StreamProbes.STREAM_ID), OPEN_TIMEOUT)
                .get(10, TimeUnit.SECONDS);
        return new Opened(client, serverEnd.get(10, TimeUnit.SECONDS), l, seen.get(10, TimeUnit.SECONDS));
    }

    /** The stream is over and gave its listener back: told to stop accepting, it sees its connections closed. */
    private static void assertReleased(Opened p) {
        p.listener().stopAccepting();
        assertThat(p.listener().awaitConnectionsClosed(Duration.ofSeconds(10)))
                .as("the ended stream released its listener").isTrue();
    }

    /** The stream still holds its listener: stops it accepting, and sees a connection still open. */
    private static void assertHeld(Opened p) {
        p.listener().stopAccepting();
        assertThat(p.listener().awaitConnectionsClosed(Duration.ofMillis(100)))
                .as("the open stream still holds its listener").isFalse();
    }

    /** Waits until every signal already handed to {@code executor} ran. */
    private static void drain(ExecutorService executor) throws Exception {
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** Waits until {@code count} stops growing (polled every 100 ms), and returns it. */
    private static long settled(AtomicLong count) {
        long[] last = {-1};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = count.get();
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        });
        return count.get();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        Throwable e = f.handle((v, x) -> x).join();
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    @Test
    public void theHandlerGetsTheOpenMessageAndTakesTheRequestOverOnce() throws Exception {
        StreamingTransport server = transport(Duration.ZERO);
        AtomicReference<Message> request = new AtomicReference<>();
        CompletableFuture<Throwable> second = new CompletableFuture<>();
        Listener l = server.listen(listenAddress(), ex -> {
            request.set(ex.request());
            MessageStream s = ((StreamingExchange) ex).stream();
            try {
                ((StreamingExchange) ex).stream();
                second.complete(null);
            } catch (RuntimeException e) {
                second.complete(e);
            }
            s.receive(Recorder.unbounded(), Runnable::run);
        });
        closing.add(l);

        MessageStream client = transport(Duration.ZERO).stream(node(l, server), open("42"), OPEN_TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        assertThat(request.get().header().get("Micro-Endpoint")).isEqualTo("Contract.Stream");
        assertThat(request.get().header().get(MessageStream.STREAM_HEADER)).isEqualTo("42");
        assertThat(client.remoteAddress()).isEqualTo(l.address());
        client.cancel();
    }

    @Test
    public void aReplyInsteadOfAStreamReachesTheClientsReceiverAsItsError() throws Exception {
        StreamingTransport server = transport(Duration.ZERO);
        String error = "{\"id\":\"go.micro.server\",\"code\":404,\"detail\":\"unknown endpoint\","
                + "\"status\":\"Not Found\"}";
        CompletableFuture<Throwable> streamAfterReply = new CompletableFuture<>();
        Listener l = server.listen(listenAddress(), ex -> {
            ex.reply(new Message(Metadata.of("Micro-Error", error), null));
            try {
                ((StreamingExchange) ex).stream();
                streamAfterReply.complete(null);
            } catch (RuntimeException e) {
                streamAfterReply.complete(e);
            }
        });
        closing.add(l);

        MessageStream client = transport(Duration.ZERO).stream(node(l, server), open("1"), OPEN_TIMEOUT)
                .get(10, TimeUnit.SECONDS);
        Recorder atClient = Recorder.unbounded();
        client.receive(atClient, clientThread);

        await().atMost(WAIT).until(atClient::ended);
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(404);
            assertThat(e.detail()).isEqualTo("unknown endpoint");
        });
        assertThat(streamAfterReply.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        client.cancel();
    }

    @Test
    public void openingToAnAddressNobodyListensOnFailsWithNothingSent() {
        StreamingTransport server = transport(Duration.ZERO);
        Listener l = server.listen(listenAddress(), ex -> ((StreamingExchange) ex).stream().cancel());
        Node gone = node(l, server);
        l.close();

        Throwable e = cause(transport(Duration.ZERO).stream(gone, open("1"), OPEN_TIMEOUT));

        assertThat(e).isInstanceOfSatisfying(TransportException.class, t -> assertThat(t.requestSent()).isFalse());
    }

    @Test
    public void aZeroConnectTimeoutFailsWithATimeoutAndNothingSent() {
        StreamingTransport server = transport(Duration.ZERO);
        Listener l = server.listen(listenAddress(), ex -> ((StreamingExchange) ex).stream().cancel());
        closing.add(l);

        Throwable e = cause(transport(Duration.ZERO).stream(node(l, server), open("1"), Duration.ZERO));

        assertThat(e).isInstanceOfSatisfying(TransportTimeoutException.class,
                t -> assertThat(t.requestSent()).isFalse());
    }

    // ---------------------------------------------------------------- messages, order, end of stream

    @Test
    public void aHundredThousandMessagesArriveInOrderBothWays() throws Exception {
        Opened p = open();
        Recorder atServer = new Recorder(32, 32);
        Recorder atClient = new Recorder(100, 100);
        p.server().receive(atServer, serverThread);
        p.client().receive(atClient, clientThread);
        p.client().send(new Range(MANY));
        p.server().send(new Range(MANY));

        await().atMost(Duration.ofSeconds(60)).until(() -> atServer.completed() && atClient.completed());
        assertThat(atServer.received.get()).isEqualTo(MANY);
        assertThat(atClient.received.get()).isEqualTo(MANY);
        assertThat(atServer.disorder).isEmpty();
        assertThat(atClient.disorder).isEmpty();
        assertThat(atServer.firstHeader.get().get("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(atServer.signalsAfterTerminal.get() + atClient.signalsAfterTerminal.get()).isZero();
        assertReleased(p);
    }

    @Test
    public void theClientEndingFirstCompletesTheServerAndTheStreamEndsWhenTheServerEndsToo() throws Exception {
        Opened p = open();
        assertThat(p.open().header().get(MessageStream.STREAM_HEADER)).isEqualTo(StreamProbes.STREAM_ID);
        Recorder atServer = Recorder.unbounded();
        Recorder atClient = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        p.client().receive(atClient, clientThread);
        p.client().send(new Range(3));
        await().atMost(WAIT).until(atServer::completed);
        assertHeld(p); // the server's direction is still open

        p.server().send(new Range(0));

        await().atMost(WAIT).until(atClient::completed);
        assertThat(atServer.received.get()).isEqualTo(3);
        assertThat(atClient.received.get()).isZero();
        assertReleased(p);
    }

    @Test
    public void theServerEndingFirstCompletesTheClientAndTheClientMaySendOn() throws Exception {
        Opened p = open();
        Recorder atServer = Recorder.unbounded();
        Recorder atClient = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        p.client().receive(atClient, clientThread);
        p.server().send(new Range(4));
        await().atMost(WAIT).until(atClient::completed);
        assertHeld(p); // the client's direction is still open

        p.client().send(new Range(2));

        await().atMost(WAIT).until(atServer::completed);
        assertThat(atClient.received.get()).isEqualTo(4);
        assertThat(atServer.received.get()).isEqualTo(2);
        assertReleased(p);
    }

    @Test
    public void aPublisherEmittingInsideRequestIsReadInOrder() throws Exception {
        Opened p = open();
        Recorder atServer = new Recorder(7, 7);
        p.server().receive(atServer, serverThread);
        p.client().send(new Range(10_000)); // emits and completes inside request(), on the transport's thread

        await().atMost(WAIT).until(atServer::completed);
        assertThat(atServer.received.get()).isEqualTo(10_000);
        assertThat(atServer.disorder).isEmpty();
    }

    @Test
    public void anAsynchronousPublisherLosesNothingBeforeItsCompletion() throws Exception {
        Opened p = open();
        Recorder atServer = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        SubmissionPublisher<Message> publisher = new SubmissionPublisher<>();
        p.client().send(publisher);
        for (int i = 0; i < 20_000; i++) {
            publisher.submit(StreamProbes.item(i)); // blocks while the stream's credit is used up
        }
        publisher.close();

        await().atMost(WAIT).until(atServer::completed);
        assertThat(atServer.received.get()).isEqualTo(20_000);
        assertThat(atServer.disorder).isEmpty();
    }

    @Test
    public void receiveAndSendTwiceAreRefused() throws Exception {
        Opened p = open();
        p.client().receive(Recorder.unbounded(), clientThread);
        p.client().send(new Silent());
        assertThatThrownBy(() -> p.client().receive(Recorder.unbounded(), clientThread))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.client().send(new Silent())).isInstanceOf(IllegalStateException.class);
        p.client().cancel();
    }

    // ---------------------------------------------------------------- backpressure

    @Test
    public void aStalledReceiverStopsTheSendersPublisherAndResumingDeliversEverythingInOrder() throws Exception {
        Opened p = open();
        Recorder atClient = new Recorder(1, 0);
        int offered = stalledOffer();
        Range serverPublisher = new Range(offered);
        p.client().receive(atClient, clientThread);
        p.server().send(serverPublisher);

        long asked = settled(serverPublisher.requested);
        assertThat(asked).as("asked of the sender while the receiver stalled").isLessThan(offered / 3);
        assertThat(atClient.received.get()).isEqualTo(1);

        atClient.subscription.request(Long.MAX_VALUE);
        p.client().send(new Range(0));
        p.server().receive(Recorder.unbounded(), serverThread);
        await().atMost(Duration.ofSeconds(60)).until(atClient::completed);
        assertThat(atClient.received.get()).isEqualTo(offered);
        assertThat(atClient.disorder).isEmpty();
        assertReleased(p);
    }

    @Test
    public void aStalledServerReceiverStopsTheClientsPublisher() throws Exception {
        Opened p = open();
        Recorder atServer = new Recorder(1, 0);
        int offered = stalledOffer();
        Range clientPublisher = new Range(offered);
        p.server().receive(atServer, serverThread);
        p.client().send(clientPublisher);

        long asked = settled(clientPublisher.requested);
        assertThat(asked).as("asked of the client's publisher while the server stalled").isLessThan(offered / 3);

        atServer.subscription.request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(60)).until(atServer::completed);
        assertThat(atServer.received.get()).isEqualTo(offered);
        assertThat(atServer.disorder).isEmpty();
    }

    @Test
    public void requestZeroFailsTheReceiverWithIllegalArgumentException() throws Exception {
        Opened p = open();
        Recorder atClient = new Recorder(0, 0) {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                super.onSubscribe(s);
                s.request(0);
            }
        };
        Recorder atServer = Recorder.unbounded();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);

        await().atMost(WAIT).until(atClient::ended);
        assertThat(atClient.error()).isInstanceOf(IllegalArgumentException.class);
        await().atMost(WAIT).until(() -> atServer.error() instanceof TransportException);
    }

    // ---------------------------------------------------------------- errors

    @Test
    public void aServerErrorMidStreamArrivesAfterTheMessagesBeforeItAndEndsBoth() throws Exception {
        Opened p = open();
        Recorder atClient = new Recorder(1, 1);
        Range clientPublisher = new Range(Integer.MAX_VALUE); // would send for ever
        p.client().receive(atClient, clientThread);
        p.client().send(clientPublisher);
        p.server().receive(new Recorder(1, 0), serverThread);
        p.server().send(new Range(500, new MicroException("go.micro.srv.test", 409, "taken", "Conflict")));

        await().atMost(WAIT).until(atClient::ended);
        assertThat(atClient.received.get()).isEqualTo(500);
        assertThat(atClient.disorder).isEmpty();
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.id()).isEqualTo("go.micro.srv.test");
            assertThat(e.code()).isEqualTo(409);
            assertThat(e.detail()).isEqualTo("taken");
        });
        await().atMost(WAIT).untilTrue(clientPublisher.cancelled); // the error ended the client's sending too
        assertReleased(p);
    }

    @Test
    public void aClientErrorReachesTheServerAndEndsBoth() throws Exception {
        Opened p = open();
        Recorder atServer = Recorder.unbounded();
        Recorder atClient = Recorder.unbounded();
        Silent serverPublisher = new Silent();
        p.server().receive(atServer, serverThread);
        p.client().receive(atClient, clientThread);
        p.server().send(serverPublisher);
        p.client().send(new Range(2, new MicroException("go.micro.client.test", 400, "bad input", "Bad Request")));

        await().atMost(WAIT).until(atServer::ended);
        assertThat(atServer.received.get()).isEqualTo(2);
        assertThat(atServer.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.detail()).isEqualTo("bad input");
        });
        await().atMost(WAIT).untilTrue(serverPublisher.cancelled);
        await().atMost(WAIT).until(atClient::ended); // our own error ended our receiving too
        assertThat(atClient.error()).isInstanceOf(MicroException.class);
        assertReleased(p);
    }

    @Test
    public void aPublisherFailureOtherThanMicroExceptionArrivesAsA500() throws Exception {
        Opened p = open();
        Recorder atClient = Recorder.unbounded();
        p.client().receive(atClient, clientThread);
        p.server().send(new Range(2, new IllegalStateException("disk full")));

        await().atMost(WAIT).until(atClient::ended);
        assertThat(atClient.received.get()).isEqualTo(2);
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(500);
            assertThat(e.detail()).contains("disk full");
        });
    }

    @Test
    public void aSubscriberThatThrowsCancelsTheStreamAndThePeerIsTold() throws Exception {
        Opened p = open();
        Recorder atClient = new Recorder(Long.MAX_VALUE, 0) {
            @Override
            public void onNext(Message item) {
                super.onNext(item);
                if (received.get() == 3) {
                    throw new IllegalStateException("subscriber bug");
                }
            }
        };
        Recorder atServer = Recorder.unbounded();
        Silent clientPublisher = new Silent();
        SubmissionPublisher<Message> serverPublisher = new SubmissionPublisher<>();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.server().send(serverPublisher);
        p.client().send(clientPublisher);
        for (int i = 0; i < 10; i++) {
            serverPublisher.submit(StreamProbes.item(i));
        }

        await().atMost(WAIT).until(() -> atServer.error() instanceof TransportException);
        await().atMost(WAIT).until(() -> serverPublisher.getNumberOfSubscribers() == 0
                && clientPublisher.cancelled.get());
        drain(clientThread);
        assertThat(atClient.received.get()).isEqualTo(3);
        assertThat(atClient.terminal.get()).isNull();
        serverPublisher.close();
        assertReleased(p);
    }

    // ---------------------------------------------------------------- cancel

    @Test
    public void aClientCancelFailsTheServerCancelsBothPublishersAndSignalsNothingMoreHere() throws Exception {
        Opened p = open();
        Recorder atClient = Recorder.unbounded();
        Recorder atServer = Recorder.unbounded();
        Silent serverPublisher = new Silent();
        Silent clientPublisher = new Silent();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.server().send(serverPublisher);
        p.client().send(clientPublisher);

        p.client().cancel();

        await().atMost(WAIT).until(atServer::ended);
        assertThat(atServer.error()).isInstanceOf(TransportException.class);
        await().atMost(WAIT).until(() -> serverPublisher.cancelled.get() && clientPublisher.cancelled.get());
        drain(clientThread);
        assertThat(atClient.terminal.get()).isNull();
        p.client().cancel(); // once over, nothing
        assertReleased(p);
    }

    @Test
    public void aServerCancelFailsTheClientAndCancelsBothPublishers() throws Exception {
        Opened p = open();
        Recorder atClient = Recorder.unbounded();
        Recorder atServer = Recorder.unbounded();
        Silent serverPublisher = new Silent();
        Silent clientPublisher = new Silent();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.server().send(serverPublisher);
        p.client().send(clientPublisher);

        p.server().cancel();

        await().atMost(WAIT).until(atClient::ended);
        assertThat(atClient.error()).isInstanceOf(TransportException.class);
        await().atMost(WAIT).until(() -> serverPublisher.cancelled.get() && clientPublisher.cancelled.get());
        drain(serverThread);
        assertThat(atServer.terminal.get()).isNull();
        assertReleased(p);
    }

    @Test
    public void aReceiverThatCancelsAndHasSentItsEndReleasesTheStreamAndThePeerReadsAllItSent() throws Exception {
        Opened p = open();
        Recorder atClient = new Recorder(5, 0) {
            @Override
            public void onNext(Message item) {
                super.onNext(item);
                if (received.get() == 5) {
                    subscription.cancel();
                }
            }
        };
        Recorder atServer = Recorder.unbounded();
        Range serverPublisher = new Range(1_000_000);
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.server().send(serverPublisher);
        p.client().send(new Range(7));

        // the client wants nothing more and has said all it had: the stream ends, the server's endless publisher with
        // it, and what the client sent reaches the server whole (a graceful release, not a reset)
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(atServer.completed()).as("the server read the client's 7 and its end (got %d)",
                    atServer.received.get()).isTrue();
            assertThat(serverPublisher.cancelled).as("the server's publisher cancelled").isTrue();
        });
        assertThat(atServer.received.get()).isEqualTo(7);
        drain(clientThread);
        assertThat(atClient.received.get()).isEqualTo(5);
        assertThat(atClient.terminal.get()).isNull();
        assertReleased(p);
    }

    @Test
    public void anOpenStreamHoldsItsListenerAndClosingTheListenerBreaksIt() throws Exception {
        Opened p = open();
        Recorder atClient = Recorder.unbounded();
        p.client().receive(atClient, clientThread);
        p.server().receive(Recorder.unbounded(), serverThread);
        assertHeld(p);

        p.listener().close();

        await().atMost(WAIT).until(() -> atClient.error() instanceof TransportException);
        assertThat(p.listener().awaitConnectionsClosed(Duration.ofSeconds(10))).isTrue();
    }

    // ---------------------------------------------------------------- idle timeout

    @Test
    public void anIdleStreamFailsBothSidesTheIdleOneWithATimeoutThePeerWith408() throws Exception {
        Opened p = open(Duration.ZERO, idleTimeout());
        Recorder atClient = Recorder.unbounded();
        Recorder atServer = Recorder.unbounded();
        Silent clientPublisher = new Silent();
        Silent serverPublisher = new Silent();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.client().send(clientPublisher);
        p.server().send(serverPublisher);

        await().atMost(idleTimeout().multipliedBy(10).plusSeconds(10))
                .until(() -> atClient.ended() && atServer.ended());
        assertThat(atServer.error()).isInstanceOf(TransportTimeoutException.class);
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(408));
        await().atMost(WAIT).until(() -> clientPublisher.cancelled.get() && serverPublisher.cancelled.get());
        assertReleased(p);
    }

    @Test
    public void messagesKeepAStreamFromIdlingOut() throws Exception {
        Duration idle = idleTimeout();
        Opened p = open(Duration.ZERO, idle);
        Recorder atServer = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        SubmissionPublisher<Message> publisher = new SubmissionPublisher<>();
        p.client().send(publisher);
        long until = System.nanoTime() + idle.multipliedBy(3).toNanos();
        int[] sent = {0};
        // a message every fifth of the idle timeout, for three idle timeouts
        await().atMost(idle.multipliedBy(10).plusSeconds(10)).pollInterval(idle.dividedBy(5)).until(() -> {
            publisher.submit(StreamProbes.item(sent[0]++));
            return System.nanoTime() - until > 0;
        });
        publisher.close();
        p.server().send(new Range(0));

        await().atMost(WAIT).until(atServer::ended);
        assertThat(atServer.completed()).as("ended by the client, not by the idle timeout: %s", atServer.error())
                .isTrue();
        assertThat(atServer.received.get()).isEqualTo(sent[0]);
    }
}
