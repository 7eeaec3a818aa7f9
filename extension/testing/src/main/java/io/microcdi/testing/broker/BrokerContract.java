package io.microcdi.testing.broker;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link Broker} plugin owes the framework, as JUnit 5 tests a plugin's test class inherits by
 * extending this class and making brokers.
 *
 * <pre>{@code
 * class NatsBrokerTest extends BrokerContract {
 *     @Override protected Broker newBroker() { return new NatsBroker(NatsBrokerConfig.of(nats.url())); }
 *     @Override protected SubscriberFailure subscriberFailure() { return SubscriberFailure.REDELIVERED; }
 * }
 * }</pre>
 *
 * <p>Publishers and subscribers use different instances, as different processes do: {@link #newBroker()} makes a new,
 * not yet connected broker per call, and the instances made in one test must deliver to each other (one server, one
 * registry, one JVM). Every test uses topics of its own; every broker made is disconnected after its test, and so is
 * whatever the subclass handed to {@link #closeAfterTest}.
 *
 * <p>What a broker promises for a subscriber that throws differs (see the {@code pubsub} page): the subclass says
 * which promise it keeps with {@link #subscriberFailure()}, and the two failure tests check that one. Whatever the
 * promise, a message is never lost silently. A test the plugin cannot pass by design is overridden in the subclass
 * with {@code @Test @Disabled("why")}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a plugin that hangs fails its test instead of the build
public abstract class BrokerContract {

    /** What a broker does with a message whose subscriber threw. */
    public enum SubscriberFailure {

        /**
         * Delivered again (to another member of a queue group, or to the same broadcast subscriber) a bounded number
         * of times; when no attempt succeeded, the publish fails with a {@link MicroException}: {@code memory},
         * {@code http}.
         */
        RETRIED_THEN_REPORTED,

        /** Delivered again until a subscriber accepts it; the publisher is not told (a persistent stream). */
        REDELIVERED,

        /** Not delivered again; the publish fails with a {@link MicroException}. */
        REPORTED,

        /**
         * Delivered again to the same subscriber a bounded number of times, then sent to a dead-letter destination;
         * the publisher is not told (an at-most-once broker: core NATS). A queue group member that always fails loses
         * its share to the dead letters, so the subclass disables
         * {@link #aGroupMemberThatAlwaysFailsNeverLosesAMessageSilently()} and checks its dead letters itself.
         */
        RETRIED_THEN_DEAD_LETTERED
    }

    private final List<AutoCloseable> closing = new ArrayList<>();

    /**
     * A new, not yet connected broker; called several times per test. The instances made in one test must deliver
     * to each other's subscribers.
     */
    protected abstract Broker newBroker();

    /** The longest a published message may take to reach its subscriber. Default: 10 s. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    /** How many messages the tests of queue groups and broadcast publish. Default: 1,000. */
    protected int messages() {
        return 1_000;
    }

    /**
     * What this broker does with a message whose subscriber threw. Default:
     * {@link SubscriberFailure#RETRIED_THEN_REPORTED}.
     */
    protected SubscriberFailure subscriberFailure() {
        return SubscriberFailure.RETRIED_THEN_REPORTED;
    }

    /**
     * Called after a test subscribed and before it publishes to {@code topic} through {@code publisher}: a broker
     * whose subscriptions take effect some time after {@link Broker#subscribe} returned (a consumer group's
     * rebalance) waits here. Default: nothing, {@code subscribe} returns once the subscription is live.
     */
    protected void awaitSubscriptions(Broker publisher, String topic) {
    }

    @AfterEach
    void closeEverything() throws Exception {
        Exception first = null;
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---- fixtures, open to subclasses for their own tests ----

    /**
     * Closes {@code resource} after the test, after the brokers made after it (resources close in the reverse order
     * of registration): a subclass registers what its brokers need (a transport, a registry) before returning them.
     */
    protected final <T extends AutoCloseable> T closeAfterTest(T resource) {
        closing.add(resource);
        return resource;
    }

    /** A connected broker from {@link #newBroker()}, disconnected after the test. */
    protected final Broker broker() {
        Broker b = newBroker();
        closing.add(b::disconnect);
        b.connect();
        return b;
    }

    /** A topic no other test uses: {@code bc-} and eight hex digits. */
    public static String uniqueTopic() {
        return "bc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A message whose body is {@code id} in UTF-8, with {@code Content-Type: text/plain} and a {@code Micro-Id} of its
     * own ({@code id} and a random suffix), as a publisher gives each message: a broker may take two messages with one
     * {@code Micro-Id} for one publish sent twice (JetStream deduplicates them).
     */
    public static BrokerMessage message(String id) {
        return new BrokerMessage(Metadata.of("Content-Type", "text/plain", "Micro-Id",
                        id + "-" + UUID.randomUUID().toString().substring(0, 8)),
                id.getBytes(StandardCharsets.UTF_8));
    }

    /** The body of {@code event} as UTF-8 text. */
    public static String text(Event event) {
        return new String(event.message().body(), StandardCharsets.UTF_8);
    }

    /**
     * Publishes {@code m0 ... m<n-1>} with at most 64 in flight and waits for every publish; fails when one failed.
     */
    protected final void publishAll(Broker publisher, String topic, int n) {
        Semaphore window = new Semaphore(64);
        List<CompletableFuture<Void>> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            try {
                if (!window.tryAcquire(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("64 publishes in flight, none completed within " + deliveryTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            pending.add(publisher.publish(topic, message("m" + i)).whenComplete((ok, e) -> window.release()));
        }
        join(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    }

    private void join(CompletableFuture<?> f) {
        try {
            f.get(deliveryTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a publish failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("publishing did not complete within " + deliveryTimeout().multipliedBy(3), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Counts what one subscriber got: every delivery, and the distinct bodies. */
    private static final class Recorder implements Broker.Handler {

        final AtomicInteger deliveries = new AtomicInteger();
        final Set<String> bodies = ConcurrentHashMap.newKeySet();

        @Override
        public void handle(Event event) {
            deliveries.incrementAndGet();
            bodies.add(text(event));
        }
    }

    private static Set<String> ids(int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add("m" + i);
        }
        return ids;
    }

    // ---- delivery ----

    @Test
    public void aMessageReachesItsSubscriberWithItsBodyAndHeaders() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        List<Event> got = new CopyOnWriteArrayList<>();
        broker().subscribe(topic, got::add, SubscribeOptions.broadcast());
        awaitSubscriptions(publisher, topic);
        byte[] body = new byte[1000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i; // every byte value
        }

        join(publisher.publish(topic, new BrokerMessage(Metadata.of("Content-Type", "application/octet-stream",
                "Micro-Id", "b1"), body)));

        await().atMost(deliveryTimeout()).until(() -> !got.isEmpty());
        Event e = got.get(0);
        assertThat(e.topic()).isEqualTo(topic);
        assertThat(e.message().body()).isEqualTo(body);
        assertThat(e.message().header().get("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(e.message().header().get("Micro-Id")).isEqualTo("b1");
    }

    @Test
    public void metadataRoundTrips() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        List<Event> got = new CopyOnWriteArrayList<>();
        broker().subscribe(topic, got::add, SubscribeOptions.queue("meta"));
        awaitSubscriptions(publisher, topic);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Micro-Id", UUID.randomUUID().toString());
        headers.put("Micro-Topic", topic);
        headers.put("X-Trace", "abc é ü 日本 🎉 <&> \"quoted\" back\\slash");
        for (int i = 0; i < 20; i++) {
            headers.put("X-Header-" + i, "value " + i + " " + "x".repeat(i * 10));
        }

        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        join(publisher.publish(topic, new BrokerMessage(Metadata.from(headers), body)));

        await().atMost(deliveryTimeout()).until(() -> !got.isEmpty());
        Metadata received = got.get(0).message().header();
        headers.forEach((k, v) -> assertThat(received.get(k)).as("header %s", k).isEqualTo(v));
        assertThat(received.get("x-trace")).as("header names are case-insensitive").isEqualTo(headers.get("X-Trace"));
    }

    @Test
    public void aTopicWithoutSubscribersTakesThePublishWithoutError() {
        Broker publisher = broker();

        assertThat(publisher.publish(uniqueTopic(), message("nobody"))).succeedsWithin(deliveryTimeout());
    }

    @Test
    public void everyBroadcastSubscriberGetsEveryMessage() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        List<Recorder> subscribers = List.of(new Recorder(), new Recorder(), new Recorder());
        for (Recorder r : subscribers) {
            broker().subscribe(topic, r, SubscribeOptions.broadcast());
        }
        awaitSubscriptions(publisher, topic);

        publishAll(publisher, topic, messages());

        Set<String> all = ids(messages());
        for (Recorder r : subscribers) {
            await().atMost(deliveryTimeout()).untilAsserted(() -> assertThat(r.bodies).isEqualTo(all));
        }
    }

    @Test
    public void eachMessageGoesToExactlyOneMemberOfAQueueGroup() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        Recorder a1 = new Recorder();
        Recorder a2 = new Recorder();
        broker().subscribe(topic, a1, SubscribeOptions.queue("a"));
        broker().subscribe(topic, a2, SubscribeOptions.queue("a"));
        awaitSubscriptions(publisher, topic);

        publishAll(publisher, topic, messages());

        Set<String> all = ids(messages());
        await().atMost(deliveryTimeout()).untilAsserted(() -> {
            Set<String> union = new HashSet<>(a1.bodies);
            union.addAll(a2.bodies);
            assertThat(union).as("complete").isEqualTo(all);
        });
        assertThat(a1.bodies).as("disjoint").doesNotContainAnyElementsOf(a2.bodies);
        assertThat(a1.deliveries.get() + a2.deliveries.get()).as("nothing failed, so nothing went twice")
                .isEqualTo(messages());
        assertThat(a1.bodies).as("shared: both members took some").isNotEmpty();
        assertThat(a2.bodies).as("shared: both members took some").isNotEmpty();
    }

    @Test
    public void everyGroupAndEveryBroadcastSubscriberGetsEveryMessage() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        Recorder a1 = new Recorder();
        Recorder a2 = new Recorder();
        Recorder b1 = new Recorder();
        Recorder b2 = new Recorder();
        Recorder plain = new Recorder();
        Broker one = broker();
        Broker two = broker();
        one.subscribe(topic, a1, SubscribeOptions.queue("a"));
        two.subscribe(topic, a2, SubscribeOptions.queue("a"));
        one.subscribe(topic, b1, SubscribeOptions.queue("b"));
        two.subscribe(topic, b2, SubscribeOptions.queue("b"));
        broker().subscribe(topic, plain, SubscribeOptions.broadcast());
        awaitSubscriptions(publisher, topic);

        publishAll(publisher, topic, messages());

        Set<String> all = ids(messages());
        await().atMost(deliveryTimeout()).untilAsserted(() -> {
            assertThat(union(a1, a2)).as("group a").isEqualTo(all);
            assertThat(union(b1, b2)).as("group b").isEqualTo(all);
            assertThat(plain.bodies).as("broadcast").isEqualTo(all);
        });
        assertThat(a1.deliveries.get() + a2.deliveries.get()).as("group a, once each").isEqualTo(messages());
        assertThat(b1.deliveries.get() + b2.deliveries.get()).as("group b, once each").isEqualTo(messages());
    }

    private static Set<String> union(Recorder x, Recorder y) {
        Set<String> u = new HashSet<>(x.bodies);
        u.addAll(y.bodies);
        return u;
    }

    // ---- unsubscribe and disconnect ----

    @Test
    public void afterUnsubscribingASubscriberGetsNothingMoreAndItsGroupGetsEverything() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        Recorder leaving = new Recorder();
        Recorder staying = new Recorder();
        Recorder plain = new Recorder();
        Subscription gone = broker().subscribe(topic, leaving, SubscribeOptions.queue("a"));
        broker().subscribe(topic, staying, SubscribeOptions.queue("a"));
        Subscription goneToo = broker().subscribe(topic, plain, SubscribeOptions.broadcast());
        assertThat(gone.topic()).isEqualTo(topic);
        assertThat(gone.queue()).isEqualTo("a");
        assertThat(goneToo.queue()).isEmpty();
        awaitSubscriptions(publisher, topic);
        publishAll(publisher, topic, 20);
        await().atMost(deliveryTimeout()).until(() -> plain.bodies.size() == 20);

        gone.unsubscribe();
        gone.unsubscribe(); // twice is fine
        goneToo.unsubscribe();
        int before = leaving.deliveries.get();
        staying.bodies.clear();
        awaitSubscriptions(publisher, topic);
        publishAll(publisher, topic, 100);

        await().atMost(deliveryTimeout()).until(() -> staying.bodies.size() == 100);
        assertThat(leaving.deliveries.get()).isEqualTo(before);
        assertThat(plain.bodies).hasSize(20);
    }

    @Test
    public void disconnectWaitsForTheDeliveriesInFlight() throws Exception {
        String topic = uniqueTopic();
        Broker publisher = broker();
        Broker subscriber = broker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        subscriber.subscribe(topic, e -> {
            started.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            finished.set(true);
        }, SubscribeOptions.queue("slow"));
        awaitSubscriptions(publisher, topic);
        CompletableFuture<Void> published = publisher.publish(topic, message("in-flight"));
        assertThat(started.await(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS)).as("delivery started").isTrue();

        CompletableFuture<Boolean> disconnected = CompletableFuture.supplyAsync(() -> {
            subscriber.disconnect();
            return finished.get();
        });
        try {
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !disconnected.isDone());
        } finally {
            release.countDown();
        }

        assertThat(disconnected.get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .as("the delivery had finished when disconnect returned").isTrue();
        assertThat(published).succeedsWithin(deliveryTimeout());
    }

    @Test
    public void aDisconnectedBrokerDeliversNothingMore() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        Broker subscriber = broker();
        Recorder got = new Recorder();
        subscriber.subscribe(topic, got, SubscribeOptions.broadcast());

        subscriber.disconnect();

        awaitSubscriptions(publisher, topic);
        assertThat(publisher.publish(topic, message("after"))).succeedsWithin(deliveryTimeout());
        assertThat(got.deliveries.get()).isZero();
    }

    /** Both fail with a {@link MicroException} 503: publish through its future, subscribe at once. */
    @Test
    public void publishingAndSubscribingNeedAConnectedBroker() {
        Broker unconnected = newBroker();
        closing.add(unconnected::disconnect);

        assertThatThrownBy(() -> unconnected.publish(uniqueTopic(), message("m")).get(5, TimeUnit.SECONDS))
                .satisfies(t -> assertThat(t instanceof ExecutionException ? t.getCause() : t)
                        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503)));
        assertThatThrownBy(() -> unconnected.subscribe(uniqueTopic(), e -> { }, SubscribeOptions.broadcast()))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503));
    }

    // ---- acknowledgement and failures ----

    @Test
    public void withoutAutoAckAMessageAcknowledgedLaterFromAnotherThreadIsAccepted() throws Exception {
        String topic = uniqueTopic();
        Broker publisher = broker();
        AtomicReference<Event> held = new AtomicReference<>();
        AtomicInteger deliveries = new AtomicInteger();
        broker().subscribe(topic, e -> {
            deliveries.incrementAndGet();
            held.compareAndSet(null, e);
        }, new SubscribeOptions("acks", false));
        awaitSubscriptions(publisher, topic);

        CompletableFuture<Void> published = publisher.publish(topic, message("acked"));
        await().atMost(deliveryTimeout()).until(() -> held.get() != null);
        CompletableFuture.runAsync(() -> held.get().ack()).get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);

        assertThat(published).succeedsWithin(deliveryTimeout());
        assertThat(text(held.get())).isEqualTo("acked");
        assertThat(deliveries.get()).as("acknowledged: not delivered again").isEqualTo(1);
    }

    @Test
    public void aSubscriberThatFailsOnceNeverLosesAMessageSilently() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        Set<String> acceptedByGroup = ConcurrentHashMap.newKeySet();
        Set<String> acceptedByBroadcast = ConcurrentHashMap.newKeySet();
        broker().subscribe(topic, failingOnce(acceptedByGroup), SubscribeOptions.queue("flaky"));
        broker().subscribe(topic, failingOnce(acceptedByBroadcast), SubscribeOptions.broadcast());
        awaitSubscriptions(publisher, topic);

        Map<String, CompletableFuture<Void>> publishes = publishEach(publisher, topic, 10);

        assertNoneLostSilently(publishes, acceptedByGroup);
        assertNoneLostSilently(publishes, acceptedByBroadcast);
    }

    /** A handler that throws on the first delivery of each message and accepts the next one into {@code accepted}. */
    private static Broker.Handler failingOnce(Set<String> accepted) {
        Set<String> failed = ConcurrentHashMap.newKeySet();
        return e -> {
            if (failed.add(text(e))) {
                throw new IllegalStateException("first delivery of " + text(e) + " fails");
            }
            accepted.add(text(e));
        };
    }

    @Test
    public void aGroupMemberThatAlwaysFailsNeverLosesAMessageSilently() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        AtomicInteger failures = new AtomicInteger();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        broker().subscribe(topic, e -> {
            failures.incrementAndGet();
            throw new IllegalStateException("database down");
        }, SubscribeOptions.queue("a"));
        broker().subscribe(topic, e -> accepted.add(text(e)), SubscribeOptions.queue("a"));
        awaitSubscriptions(publisher, topic);

        Map<String, CompletableFuture<Void>> publishes = publishEach(publisher, topic, 100);

        assertNoneLostSilently(publishes, accepted);
        assertThat(failures.get()).as("the failing member was tried").isPositive();
    }

    @Test
    public void aMessageNoSubscriberAcceptsIsReportedOrRedelivered() {
        String topic = uniqueTopic();
        Broker publisher = broker();
        AtomicInteger attempts = new AtomicInteger();
        broker().subscribe(topic, e -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("database down");
        }, SubscribeOptions.queue("audit"));
        awaitSubscriptions(publisher, topic);

        CompletableFuture<Void> published = publisher.publish(topic, message("refused"));

        if (subscriberFailure() == SubscriberFailure.REDELIVERED
                || subscriberFailure() == SubscriberFailure.RETRIED_THEN_DEAD_LETTERED) {
            await().atMost(deliveryTimeout()).until(() -> attempts.get() >= 3);
        } else {
            assertThat(published).failsWithin(deliveryTimeout()).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(MicroException.class, e -> {
                        assertThat(e.code()).as("a server-side error code").isGreaterThanOrEqualTo(500);
                        assertThat(e.detail()).contains(topic);
                    });
        }
    }

    /** Publishes {@code m0 ... m<n-1>} one by one, not waiting: each message's publish. */
    private Map<String, CompletableFuture<Void>> publishEach(Broker publisher, String topic, int n) {
        Map<String, CompletableFuture<Void>> publishes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            publishes.put("m" + i, publisher.publish(topic, message("m" + i)));
        }
        return publishes;
    }

    /**
     * Every message was accepted by a subscriber, or (for a broker that reports rather than redelivers) its publish
     * failed with a {@link MicroException}.
     */
    private void assertNoneLostSilently(Map<String, CompletableFuture<Void>> publishes, Set<String> accepted) {
        for (CompletableFuture<Void> f : publishes.values()) {
            try {
                f.get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("a failed publish").isInstanceOf(MicroException.class);
            } catch (TimeoutException e) {
                fail("a publish did not complete within " + deliveryTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        if (subscriberFailure() == SubscriberFailure.REPORTED) {
            publishes.forEach((id, f) -> {
                if (!accepted.contains(id)) {
                    assertThat(f).as("%s was not accepted, so its publish failed", id).isCompletedExceptionally();
                }
            });
        } else {
            await().atMost(deliveryTimeout()).untilAsserted(() ->
                    assertThat(accepted).as("every message accepted in the end")
                            .containsExactlyInAnyOrderElementsOf(publishes.keySet()));
            if (subscriberFailure() == SubscriberFailure.RETRIED_THEN_REPORTED) {
                assertThat(publishes.values()).as("retried until accepted: no publish failed")
                        .allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
            }
        }
    }
}
