package io.microcdi.internal.transport;

import io.microcdi.errors.MicroException;
import io.microcdi.internal.transport.StreamProbes.Range;
import io.microcdi.internal.transport.StreamProbes.Recorder;
import io.microcdi.internal.transport.StreamProbes.Silent;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every transport's {@link MessageStream} must do, whatever carries it: a transport's test extends this with a
 * factory of connected (client, server) pairs. The server end is what the listener's handler got from
 * {@code exchange.stream()}; both ends are {@link EngineStream}s.
 */
public abstract class MessageStreamContractTest {

    /** A connected stream: the client end {@code transport.stream(...)} gave, the server end the handler took. */
    public record Pair(MessageStream client, MessageStream server) {
    }

    /**
     * Opens a stream through the transport under test, to a listener whose handler takes it over with
     * {@code exchange.stream()}.
     *
     * @param clientIdle the client transport's stream idle timeout, {@link Duration#ZERO} for none
     * @param serverIdle the server transport's
     */
    protected abstract Pair open(Duration clientIdle, Duration serverIdle) throws Exception;

    private final ExecutorService clientThread = Executors.newSingleThreadExecutor();
    private final ExecutorService serverThread = Executors.newSingleThreadExecutor();

    /**
     * How many messages the stalled-receiver test offers, and how many may be asked of the sender while the receiver
     * is stalled: the engine's windows in memory; a socket's kernel buffers hold many more small messages.
     */
    protected long[] stallTotalAndBound() {
        return new long[]{20_000, 20 * StreamEngine.WINDOW};
    }

    protected Pair open() throws Exception {
        return open(Duration.ZERO, Duration.ZERO);
    }

    @AfterEach
    void stopExecutors() {
        clientThread.shutdownNow();
        serverThread.shutdownNow();
    }

    private static boolean over(MessageStream s) {
        return ((EngineStream) s).isOver();
    }

    /** Waits until every signal already handed to {@code executor} ran. */
    private static void drain(ExecutorService executor) throws Exception {
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** Waits until {@code count} stops growing (polled every 100 ms), and returns it. */
    private static long settled(AtomicLong count) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = count.get();
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        });
        return count.get();
    }

    @Test
    void hundredThousandMessagesArriveInOrderBothWays() throws Exception {
        Pair p = open();
        Recorder atServer = new Recorder(32, 32);
        Recorder atClient = new Recorder(100, 100);
        p.server().receive(atServer, serverThread);
        p.client().receive(atClient, clientThread);
        p.client().send(new Range(100_000));
        p.server().send(new Range(100_000));

        await().atMost(Duration.ofSeconds(60)).until(() -> atServer.completed() && atClient.completed());
        assertThat(atServer.received.get()).isEqualTo(100_000);
        assertThat(atClient.received.get()).isEqualTo(100_000);
        assertThat(atServer.disorder).isEmpty();
        assertThat(atClient.disorder).isEmpty();
        await().until(() -> over(p.client()) && over(p.server()));
    }

    @Test
    void endOfStreamBothWaysCompletesBothReceiversAndReleasesTheStream() throws Exception {
        Pair p = open();
        Recorder atServer = Recorder.unbounded();
        Recorder atClient = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        p.client().receive(atClient, clientThread);
        p.client().send(new Range(3));
        await().until(atServer::completed);
        assertThat(over(p.server())).isFalse(); // the server's direction is still open
        p.server().send(new Range(0));

        await().until(() -> atClient.completed() && over(p.client()) && over(p.server()));
        assertThat(atServer.received.get()).isEqualTo(3);
        assertThat(atClient.received.get()).isZero();
    }

    @Test
    void anErrorMidStreamArrivesAfterTheItemsBeforeIt() throws Exception {
        Pair p = open();
        Recorder atClient = new Recorder(1, 1);
        p.client().receive(atClient, clientThread);
        p.client().send(new Range(0));
        p.server().receive(Recorder.unbounded(), serverThread);
        p.server().send(new Range(500, new MicroException("go.micro.srv.test", 409, "taken", "Conflict")));

        await().until(() -> atClient.terminal.get() != null);
        assertThat(atClient.received.get()).isEqualTo(500);
        assertThat(atClient.disorder).isEmpty();
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.id()).isEqualTo("go.micro.srv.test");
            assertThat(e.code()).isEqualTo(409);
            assertThat(e.detail()).isEqualTo("taken");
        });
        await().until(() -> over(p.client()) && over(p.server()));
    }

    @Test
    void aPublisherFailureOtherThanMicroExceptionArrivesAsA500() throws Exception {
        Pair p = open();
        Recorder atClient = Recorder.unbounded();
        p.client().receive(atClient, clientThread);
        p.server().send(new Range(2, new IllegalStateException("disk full")));

        await().until(() -> atClient.terminal.get() != null);
        assertThat(atClient.received.get()).isEqualTo(2);
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(500);
            assertThat(e.detail()).contains("disk full");
        });
    }

    @Test
    void aLocalCancelFailsThePeerCancelsItsPublisherAndSignalsNothingMoreHere() throws Exception {
        Pair p = open();
        Recorder atClient = Recorder.unbounded();
        Recorder atServer = Recorder.unbounded();
        Silent serverPublisher = new Silent();
        Silent clientPublisher = new Silent();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.server().send(serverPublisher);
        p.client().send(clientPublisher);

        p.client().cancel();

        await().until(() -> atServer.terminal.get() != null);
        assertThat(atServer.error()).isInstanceOf(TransportException.class);
        await().until(() -> serverPublisher.cancelled.get() && clientPublisher.cancelled.get());
        await().until(() -> over(p.client()) && over(p.server()));
        drain(clientThread);
        assertThat(atClient.terminal.get()).isNull();
        p.client().cancel(); // once over, nothing
    }

    @Test
    void aReceiverThatCancelsAndHasSentItsEndReleasesTheStreamAndThePeerReadsAllItSent() throws Exception {
        Pair p = open();
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
        Range clientPublisher = new Range(7);
        p.client().send(clientPublisher);

        // the client wants nothing more and has said all it had: the stream ends, the server's endless publisher with
        // it, and what the client sent reaches the server whole (a graceful release, not a reset)
        await().untilAsserted(() -> {
            assertThat(atServer.completed()).as("the server read the client's 7 and its end (got %d)",
                    atServer.received.get()).isTrue();
            assertThat(serverPublisher.cancelled).as("the server's publisher cancelled").isTrue();
            assertThat(over(p.client())).as("client over").isTrue();
            assertThat(over(p.server())).as("server over").isTrue();
        });
        assertThat(atServer.received.get()).isEqualTo(7);
        drain(clientThread);
        assertThat(atClient.received.get()).isEqualTo(5);
        assertThat(atClient.terminal.get()).isNull();
    }

    @Test
    void anErrorFromThePeerEndsOurSendingToo() throws Exception {
        Pair p = open();
        Recorder atClient = Recorder.unbounded();
        Range clientPublisher = new Range(Integer.MAX_VALUE); // would send for ever
        p.client().receive(atClient, clientThread);
        p.client().send(clientPublisher);
        p.server().receive(new Recorder(1, 0), serverThread);
        p.server().send(new Range(3, new MicroException("go.micro.srv.test", 400, "no more", "Bad Request")));

        await().untilAsserted(() -> {
            assertThat(atClient.error()).isInstanceOf(MicroException.class);
            assertThat(clientPublisher.cancelled).as("the client's publisher cancelled").isTrue();
            assertThat(over(p.client())).as("client over").isTrue();
            assertThat(over(p.server())).as("server over").isTrue();
        });
        assertThat(atClient.received.get()).isEqualTo(3);
    }

    @Test
    void requestZeroFailsTheReceiverWithIllegalArgumentException() throws Exception {
        Pair p = open();
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

        await().until(() -> atClient.terminal.get() != null);
        assertThat(atClient.error()).isInstanceOf(IllegalArgumentException.class);
        await().until(() -> atServer.error() instanceof TransportException);
    }

    @Test
    void aStalledReceiverStopsTheSendersPublisherAndResumingDeliversEverythingInOrder() throws Exception {
        Pair p = open();
        Recorder atClient = new Recorder(1, 0);
        long[] totalAndBound = stallTotalAndBound();
        Range serverPublisher = new Range((int) totalAndBound[0]);
        p.client().receive(atClient, clientThread);
        p.server().send(serverPublisher);

        long asked = settled(serverPublisher.requested);
        assertThat(asked).isLessThan(totalAndBound[1]); // bounded by windows and buffers, not by the total
        assertThat(atClient.received.get()).isEqualTo(1);

        atClient.subscription.request(Long.MAX_VALUE);
        p.client().send(new Range(0));
        p.server().receive(Recorder.unbounded(), serverThread);
        await().atMost(Duration.ofSeconds(30)).until(atClient::completed);
        assertThat(atClient.received.get()).isEqualTo(totalAndBound[0]);
        assertThat(atClient.disorder).isEmpty();
        await().until(() -> over(p.client()) && over(p.server()));
    }

    @Test
    void aSubscriberThatThrowsCancelsTheStreamAndThePeerIsTold() throws Exception {
        Pair p = open();
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
        Silent serverPublisherTail = new Silent();
        SubmissionPublisher<Message> serverPublisher = new SubmissionPublisher<>();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.server().send(serverPublisher);
        p.client().send(serverPublisherTail);
        for (int i = 0; i < 10; i++) {
            serverPublisher.submit(StreamProbes.item(i));
        }

        await().until(() -> atServer.error() instanceof TransportException);
        await().until(() -> serverPublisher.getNumberOfSubscribers() == 0 && serverPublisherTail.cancelled.get());
        await().until(() -> over(p.client()) && over(p.server()));
        drain(clientThread);
        assertThat(atClient.received.get()).isEqualTo(3);
        assertThat(atClient.terminal.get()).isNull();
        serverPublisher.close();
    }

    @Test
    void aPublisherEmittingInsideRequestIsReadInOrder() throws Exception {
        Pair p = open();
        Recorder atServer = new Recorder(7, 7);
        Range clientPublisher = new Range(10_000); // emits and completes inside request(), on the transport's loop
        p.server().receive(atServer, serverThread);
        p.client().send(clientPublisher);

        await().atMost(Duration.ofSeconds(30)).until(atServer::completed);
        assertThat(atServer.received.get()).isEqualTo(10_000);
        assertThat(atServer.disorder).isEmpty();
    }

    @Test
    void anAsynchronousPublisherLosesNothingBeforeItsCompletion() throws Exception {
        Pair p = open();
        Recorder atServer = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        SubmissionPublisher<Message> publisher = new SubmissionPublisher<>();
        p.client().send(publisher);
        for (int i = 0; i < 20_000; i++) {
            publisher.submit(StreamProbes.item(i)); // blocks while the stream's credit is used up
        }
        publisher.close();

        await().atMost(Duration.ofSeconds(30)).until(atServer::completed);
        assertThat(atServer.received.get()).isEqualTo(20_000);
        assertThat(atServer.disorder).isEmpty();
    }

    @Test
    void receiveAndSendTwiceAreRefused() throws Exception {
        Pair p = open();
        p.client().receive(Recorder.unbounded(), clientThread);
        p.client().send(new Silent());
        assertThatThrownBy(() -> p.client().receive(Recorder.unbounded(), clientThread))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.client().send(new Silent())).isInstanceOf(IllegalStateException.class);
        p.client().cancel();
    }

    @Test
    void anIdleStreamFailsBothSidesTheIdleOneWithATimeoutThePeerWith408() throws Exception {
        Pair p = open(Duration.ZERO, Duration.ofMillis(300));
        Recorder atClient = Recorder.unbounded();
        Recorder atServer = Recorder.unbounded();
        Silent clientPublisher = new Silent();
        Silent serverPublisher = new Silent();
        p.client().receive(atClient, clientThread);
        p.server().receive(atServer, serverThread);
        p.client().send(clientPublisher);
        p.server().send(serverPublisher);

        await().atMost(Duration.ofSeconds(10)).until(() -> atClient.terminal.get() != null
                && atServer.terminal.get() != null);
        assertThat(atServer.error()).isInstanceOf(TransportTimeoutException.class);
        assertThat(atClient.error()).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(408));
        await().until(() -> clientPublisher.cancelled.get() && serverPublisher.cancelled.get());
        await().until(() -> over(p.client()) && over(p.server()));
    }

    @Test
    void messagesKeepAStreamFromIdlingOut() throws Exception {
        Pair p = open(Duration.ZERO, Duration.ofMillis(500));
        Recorder atServer = Recorder.unbounded();
        p.server().receive(atServer, serverThread);
        SubmissionPublisher<Message> publisher = new SubmissionPublisher<>();
        p.client().send(publisher);
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        int[] sent = {0};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            publisher.submit(StreamProbes.item(sent[0]++));
            return System.nanoTime() > until;
        });
        publisher.close();
        p.server().send(new Range(0));
        await().until(() -> atServer.terminal.get() != null);
        assertThat(atServer.completed()).isTrue();
        assertThat(atServer.received.get()).isEqualTo(sent[0]);
    }
}
