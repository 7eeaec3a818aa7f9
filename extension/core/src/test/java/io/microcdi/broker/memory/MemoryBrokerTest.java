package io.microcdi.broker.memory;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.errors.MicroException;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class MemoryBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Broker> brokers = new ArrayList<>();

    @AfterEach
    void disconnect() {
        brokers.forEach(Broker::disconnect);
    }

    private MemoryBroker broker(DeliveryConfig config) {
        MemoryBroker b = new MemoryBroker(config);
        b.connect();
        brokers.add(b);
        return b;
    }

    private MemoryBroker broker() {
        return broker(DeliveryConfig.defaults());
    }

    private static DeliveryConfig config(int retries, boolean retryHandlerErrors, Duration publish, Duration attempt) {
        return new DeliveryConfig(retries, retryHandlerErrors, publish, attempt, 8, true);
    }

    private static BrokerMessage message(String text) {
        return new BrokerMessage(Metadata.of("Content-Type", "text/plain", "Micro-Id", text),
                text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Event e) {
        return new String(e.message().body(), StandardCharsets.UTF_8);
    }

    /** Records the ids (bodies) a subscriber accepted. */
    private static Broker.Handler recorder(Set<String> into) {
        return e -> into.add(text(e));
    }

    @Test
    void everyBroadcastSubscriberGetsTheMessageWithItsHeaders() {
        MemoryBroker broker = broker();
        List<Event> a = new CopyOnWriteArrayList<>();
        List<Event> b = new CopyOnWriteArrayList<>();
        broker.subscribe("news", a::add, SubscribeOptions.broadcast());
        broker.subscribe("news", b::add, SubscribeOptions.broadcast());

        broker.publish("news", message("m1")).join(); // completes once both accepted

        assertThat(a).hasSize(1);
        assertThat(b).hasSize(1);
        assertThat(a.get(0).topic()).isEqualTo("news");
        assertThat(a.get(0).message().header().get("micro-id")).isEqualTo("m1");
        assertThat(text(b.get(0))).isEqualTo("m1");
    }

    @Test
    void queueGroupMembersShareTheMessagesDisjointlyAndABroadcastSubscriberGetsThemAll() {
        MemoryBroker broker = broker();
        Set<String> a1 = ConcurrentHashMap.newKeySet();
        Set<String> a2 = ConcurrentHashMap.newKeySet();
        Set<String> all = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        broker.subscribe("orders", e -> {
            deliveries.incrementAndGet();
            a1.add(text(e));
        }, SubscribeOptions.queue("a"));
        broker.subscribe("orders", e -> {
            deliveries.incrementAndGet();
            a2.add(text(e));
        }, SubscribeOptions.queue("a"));
        broker.subscribe("orders", recorder(all), SubscribeOptions.broadcast());

        int n = 10_000;
        publishAll(broker, "orders", n);

        Set<String> union = new HashSet<>(a1);
        union.addAll(a2);
        assertThat(union).hasSize(n);
        assertThat(deliveries.get()).isEqualTo(n); // each message once in group a: disjoint shares summing to n
        assertThat(a1).isNotEmpty();
        assertThat(a2).isNotEmpty();
        assertThat(all).hasSize(n);
    }

    /** Publishes {@code m0 ... m<n-1>} with up to 256 in flight; every publish must succeed. */
    private static void publishAll(Broker broker, String topic, int n) {
        Semaphore window = new Semaphore(256);
        List<CompletableFuture<Void>> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            window.acquireUninterruptibly();
            pending.add(broker.publish(topic, message("m" + i)).whenComplete((ok, e) -> window.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void aMemberWhoseHandlerThrowsHasItsMessagesRedeliveredToTheOtherMember() {
        MemoryBroker broker = broker();
        AtomicInteger failed = new AtomicInteger();
        Set<String> good = ConcurrentHashMap.newKeySet();
        broker.subscribe("orders", e -> {
            failed.incrementAndGet();
            throw new IllegalStateException("database down");
        }, SubscribeOptions.queue("a"));
        broker.subscribe("orders", recorder(good), SubscribeOptions.queue("a"));

        publishAll(broker, "orders", 100);

        assertThat(good).hasSize(100);
        assertThat(failed.get()).isBetween(1, 100); // the rotation sends it about half of them first
    }

    @Test
    void whenEveryAttemptFailsThePublishFailsNamingTopicGroupAndError() {
        MemoryBroker broker = broker(config(2, true, Duration.ofSeconds(5), Duration.ZERO));
        AtomicInteger calls = new AtomicInteger();
        broker.subscribe("orders", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("database down");
        }, SubscribeOptions.queue("audit"));

        assertThatThrownBy(() -> broker.publish("orders", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.id()).isEqualTo("go.micro.broker");
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.detail()).contains("topic orders", "queue group audit", "database down",
                            "attempt 3 of 3");
                });
        assertThat(calls.get()).isEqualTo(3); // the first attempt and 2 retries, on the only member
    }

    @Test
    void whenSeveralGroupsFailTheErrorNamesEachAndTheOthersStillGetTheMessage() {
        MemoryBroker broker = broker(config(0, true, Duration.ofSeconds(5), Duration.ZERO));
        broker.subscribe("orders", e -> {
            throw new IllegalStateException("audit down");
        }, SubscribeOptions.queue("audit"));
        broker.subscribe("orders", e -> {
            throw MicroException.notFound("billing", "no such account");
        }, SubscribeOptions.queue("billing"));
        Set<String> shipping = ConcurrentHashMap.newKeySet();
        broker.subscribe("orders", recorder(shipping), SubscribeOptions.queue("shipping"));

        assertThatThrownBy(() -> broker.publish("orders", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.id()).isEqualTo("go.micro.broker");
                    assertThat(e.detail()).startsWith("2 groups did not accept the message: ")
                            .contains("queue group audit", "audit down", "queue group billing", "no such account");
                    assertThat(e.getSuppressed()).hasSize(1);
                });
        assertThat(shipping).containsExactly("m");
    }

    @Test
    void withoutRetriesDeliveryIsAtMostOnce() {
        MemoryBroker broker = broker(config(0, true, Duration.ofSeconds(5), Duration.ZERO));
        AtomicInteger calls = new AtomicInteger();
        broker.subscribe("orders", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("no");
        }, SubscribeOptions.queue("a"));
        broker.subscribe("orders", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("no");
        }, SubscribeOptions.queue("a"));

        assertThatThrownBy(() -> broker.publish("orders", message("m")).join())
                .hasCauseInstanceOf(MicroException.class);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void handlerErrorsAreNotRetriedWhenSoConfigured() {
        MemoryBroker broker = broker(config(2, false, Duration.ofSeconds(5), Duration.ZERO));
        AtomicInteger calls = new AtomicInteger();
        broker.subscribe("orders", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("no");
        }, SubscribeOptions.queue("a"));
        Set<String> other = ConcurrentHashMap.newKeySet();
        broker.subscribe("orders", recorder(other), SubscribeOptions.queue("a"));

        int failures = 0;
        for (int i = 0; i < 10; i++) {
            try {
                broker.publish("orders", message("m" + i)).join();
            } catch (RuntimeException e) {
                failures++;
            }
        }
        assertThat(failures).isEqualTo(calls.get()).isPositive();
        assertThat(other).hasSize(10 - failures);
    }

    @Test
    void anErrorThatBlamesTheMessageIsNotRetried() {
        MemoryBroker broker = broker();
        AtomicInteger calls = new AtomicInteger();
        Broker.Handler refuses = e -> {
            calls.incrementAndGet();
            throw MicroException.badRequest("orders.audit", "cannot decode the order");
        };
        broker.subscribe("orders", refuses, SubscribeOptions.queue("a"));
        broker.subscribe("orders", refuses, SubscribeOptions.queue("a"));

        assertThatThrownBy(() -> broker.publish("orders", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.detail()).contains("cannot decode the order");
                });
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aBroadcastSubscriberThatThrowsGetsItAgain() {
        MemoryBroker broker = broker();
        AtomicInteger calls = new AtomicInteger();
        broker.subscribe("news", e -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first time fails");
            }
        }, SubscribeOptions.broadcast());

        broker.publish("news", message("m")).join();

        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void afterUnsubscribingNothingArrivesAndATopicWithoutSubscribersCompletesAtOnce() {
        MemoryBroker broker = broker();
        Set<String> got = ConcurrentHashMap.newKeySet();
        Subscription s = broker.subscribe("orders", recorder(got), SubscribeOptions.queue("a"));
        broker.publish("orders", message("before")).join();

        s.unsubscribe();
        s.unsubscribe(); // twice is fine
        broker.publish("orders", message("after")).join();

        assertThat(got).containsExactly("before");
        assertThat(broker.publish("nobody-listens", message("m"))).isCompleted();
    }

    @Test
    void unsubscribingOneMemberLeavesTheGroupToTheOthers() {
        MemoryBroker broker = broker();
        Set<String> a1 = ConcurrentHashMap.newKeySet();
        Set<String> a2 = ConcurrentHashMap.newKeySet();
        Subscription first = broker.subscribe("orders", recorder(a1), SubscribeOptions.queue("a"));
        broker.subscribe("orders", recorder(a2), SubscribeOptions.queue("a"));

        first.unsubscribe();
        publishAll(broker, "orders", 50);

        assertThat(a1).isEmpty();
        assertThat(a2).hasSize(50);
    }

    @Test
    void sharedBrokersOfOneJvmDeliverToEachOther() {
        String topic = "shared-" + UUID.randomUUID();
        MemoryBroker publisher = MemoryBroker.shared(DeliveryConfig.defaults());
        MemoryBroker subscriber = MemoryBroker.shared(DeliveryConfig.defaults());
        publisher.connect();
        subscriber.connect();
        brokers.add(publisher);
        brokers.add(subscriber);
        Set<String> got = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(topic, recorder(got), SubscribeOptions.queue("a"));

        publisher.publish(topic, message("hello")).join();

        assertThat(got).containsExactly("hello");
        assertThat(new MemoryBroker(DeliveryConfig.defaults()).name()).isEqualTo("memory");
    }

    @Test
    void handlersRunOnWorkersAndThePublishCompletesOnACallbackThread() {
        MemoryBroker broker = broker();
        AtomicReference<Thread> handler = new AtomicReference<>();
        broker.subscribe("t", e -> handler.set(Thread.currentThread()), SubscribeOptions.broadcast());

        AtomicReference<Thread> continuation = new AtomicReference<>();
        broker.publish("t", message("m")).thenRun(() -> continuation.set(Thread.currentThread())).join();

        assertThat(handler.get()).isNotEqualTo(Thread.currentThread());
        assertThat(handler.get().getName()).contains("broker");
        assertThat(continuation.get()).isNotEqualTo(handler.get());
    }

    @Test
    void withoutAutoAckTheMessageIsAcceptedWhenAcknowledgedEvenLater() throws Exception {
        MemoryBroker broker = broker();
        AtomicReference<Event> held = new AtomicReference<>();
        CountDownLatch handled = new CountDownLatch(1);
        broker.subscribe("t", e -> {
            held.set(e);
            handled.countDown();
        }, new SubscribeOptions("a", false));

        CompletableFuture<Void> published = broker.publish("t", message("m"));
        assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(published).isNotDone();

        held.get().ack();

        published.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMessageNeverAcknowledgedFailsThePublishAtItsTimeout() {
        MemoryBroker broker = broker(config(1, true, Duration.ofMillis(300), Duration.ZERO));
        AtomicInteger calls = new AtomicInteger();
        broker.subscribe("t", e -> calls.incrementAndGet(), new SubscribeOptions("a", false));

        assertThatThrownBy(() -> broker.publish("t", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(408);
                    assertThat(e.detail()).contains("topic t", "queue group a");
                });
        assertThat(calls.get()).isEqualTo(1); // the first attempt took the whole publish timeout
    }

    @Test
    void aSlowMemberIsPassedOverAfterTheAttemptTimeout() {
        MemoryBroker broker = broker(config(2, true, Duration.ofSeconds(10), Duration.ofMillis(100)));
        CountDownLatch release = new CountDownLatch(1);
        Set<String> slow = ConcurrentHashMap.newKeySet();
        Set<String> fast = ConcurrentHashMap.newKeySet();
        broker.subscribe("t", e -> {
            release.await(10, TimeUnit.SECONDS);
            slow.add(text(e));
        }, SubscribeOptions.queue("a"));
        broker.subscribe("t", recorder(fast), SubscribeOptions.queue("a"));

        try {
            publishAll(broker, "t", 4);
        } finally {
            release.countDown();
        }

        assertThat(fast).hasSize(4); // the slow member's attempts timed out, and each went to the other
        await().atMost(WAIT).until(() -> slow.size() == 2); // it ran them anyway: at-least-once, duplicates
    }

    @Test
    void publishingOrSubscribingNeedsAConnectedBroker() {
        MemoryBroker broker = new MemoryBroker(DeliveryConfig.defaults());

        assertThatThrownBy(() -> broker.publish("t", message("m")).join())
                .cause().isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503));
        assertThatThrownBy(() -> broker.subscribe("t", e -> { }, SubscribeOptions.broadcast()))
                .isInstanceOf(MicroException.class)
                .hasMessageContaining("not connected");
    }

    @Test
    void disconnectingUnsubscribesEverything() {
        MemoryBroker subscriber = MemoryBroker.shared(DeliveryConfig.defaults());
        MemoryBroker publisher = broker();
        subscriber.connect();
        String topic = "disconnect-" + UUID.randomUUID();
        Set<String> got = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(topic, recorder(got), SubscribeOptions.broadcast());

        subscriber.disconnect();

        MemoryBroker shared = MemoryBroker.shared(DeliveryConfig.defaults());
        shared.connect();
        brokers.add(shared);
        shared.publish(topic, message("m")).join();
        assertThat(got).isEmpty();
        assertThat(publisher.publish(topic, message("m"))).isCompleted();
    }
}
