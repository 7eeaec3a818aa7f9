package io.microcdi.broker.memory;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.testing.broker.BrokerContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code memory} broker passes {@link BrokerContract} with views of the JVM-wide subscriptions (what
 * {@code micro.broker=memory} gives each container); below, its delivery settings and what only it does.
 */
class MemoryBrokerTest extends BrokerContract {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    protected Broker newBroker() {
        return MemoryBroker.shared(DeliveryConfig.defaults());
    }

    @Override
    protected int messages() {
        return 10_000;
    }

    /** A connected broker with a private set of subscriptions. */
    private MemoryBroker memoryBroker(DeliveryConfig config) {
        MemoryBroker b = closeAfterTest(new MemoryBroker(config));
        b.connect();
        return b;
    }

    private MemoryBroker memoryBroker() {
        return memoryBroker(DeliveryConfig.defaults());
    }

    private static DeliveryConfig config(int retries, boolean retryHandlerErrors, Duration publish, Duration attempt) {
        return new DeliveryConfig(retries, retryHandlerErrors, publish, attempt, 8, true);
    }

    /** Records the ids (bodies) a subscriber accepted. */
    private static Broker.Handler recorder(Set<String> into) {
        return e -> into.add(text(e));
    }

    @Test
    void theProviderMakesASharedBrokerNamedMemory() {
        BrokerProvider provider = ServiceLoader.load(BrokerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("memory")).findFirst().orElseThrow();
        Broker a = closeAfterTest(provider.create(DefaultMicroConfig.of(Map.of()), null, null));
        Broker b = closeAfterTest(provider.create(DefaultMicroConfig.of(Map.of()), null, null));
        a.connect();
        b.connect();
        Set<String> got = ConcurrentHashMap.newKeySet();
        String topic = uniqueTopic();
        b.subscribe(topic, recorder(got), SubscribeOptions.queue("a"));

        a.publish(topic, message("hello")).join();

        assertThat(a.name()).isEqualTo("memory");
        assertThat(got).containsExactly("hello");
    }

    @Test
    void aTopicWithoutSubscribersCompletesAtOnce() {
        assertThat(memoryBroker().publish("nobody-listens", message("m"))).isCompleted();
    }

    @Test
    void anUnconnectedBrokerSaysSo() {
        MemoryBroker broker = new MemoryBroker(DeliveryConfig.defaults());

        assertThatThrownBy(() -> broker.subscribe("t", e -> { }, SubscribeOptions.broadcast()))
                .isInstanceOf(MicroException.class)
                .hasMessageContaining("not connected");
    }

    @Test
    void whenEveryAttemptFailsThePublishFailsNamingTopicGroupAndError() {
        MemoryBroker broker = memoryBroker(config(2, true, Duration.ofSeconds(5), Duration.ZERO));
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
        MemoryBroker broker = memoryBroker(config(0, true, Duration.ofSeconds(5), Duration.ZERO));
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
        MemoryBroker broker = memoryBroker(config(0, true, Duration.ofSeconds(5), Duration.ZERO));
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
        MemoryBroker broker = memoryBroker(config(2, false, Duration.ofSeconds(5), Duration.ZERO));
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
        MemoryBroker broker = memoryBroker();
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
    void handlersRunOnWorkersAndThePublishCompletesOnACallbackThread() {
        MemoryBroker broker = memoryBroker();
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
        MemoryBroker broker = memoryBroker();
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
        MemoryBroker broker = memoryBroker(config(1, true, Duration.ofMillis(300), Duration.ZERO));
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
        MemoryBroker broker = memoryBroker(config(2, true, Duration.ofSeconds(10), Duration.ofMillis(100)));
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
}
