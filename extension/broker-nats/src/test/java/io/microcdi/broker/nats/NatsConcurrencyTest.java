package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How many messages a subscription handles at a time ({@code micro.broker.nats.concurrency}): one by default, in the
 * order the publisher sent them, on the subscription's own thread; N when asked, never more; on core NATS and
 * JetStream, for a queue group member and a broadcast subscriber, on a real nats-server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NatsConcurrencyTest {

    private static final Duration SEEN = Duration.ofSeconds(30);
    private static NatsServer nats;
    private final List<Broker> brokers = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        NatsServer.assumeInstalled();
        nats = NatsServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (nats != null) {
            nats.close();
        }
    }

    @AfterEach
    void disconnect() {
        brokers.forEach(Broker::disconnect);
    }

    private Broker broker(boolean jetStream, int concurrency) {
        Map<String, String> values = new HashMap<>();
        values.put(NatsBrokerConfig.SERVERS, nats.urlList());
        values.put(NatsBrokerConfig.JETSTREAM, String.valueOf(jetStream));
        values.put(NatsBrokerConfig.CONCURRENCY, String.valueOf(concurrency));
        Broker b = new NatsBroker(NatsBrokerConfig.from(MicroConfig.of(values)));
        b.connect();
        brokers.add(b);
        return b;
    }

    private static SubscribeOptions options(String kind) {
        return kind.equals("queue") ? SubscribeOptions.queue("workers") : SubscribeOptions.broadcast();
    }

    private static BrokerMessage message(int i) {
        return new BrokerMessage(Metadata.of("Micro-Id", UUID.randomUUID().toString()),
                String.valueOf(i).getBytes(StandardCharsets.UTF_8));
    }

    private static int number(Event e) {
        return Integer.parseInt(new String(e.message().body(), StandardCharsets.UTF_8));
    }

    /** Counts the handlers running now, and the most seen at once. */
    private static final class Gauge {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        void enter() {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void leave() {
            now.decrementAndGet();
        }
    }

    @ParameterizedTest(name = "jetstream={0} {1}")
    @CsvSource({"false, queue", "false, broadcast", "true, queue", "true, broadcast"})
    void byDefaultOneMessageAtATimeInTheOrderPublished(boolean jetStream, String kind) {
        String topic = "order-" + UUID.randomUUID().toString().substring(0, 8);
        Broker subscriber = broker(jetStream, 1);
        Broker publisher = broker(jetStream, 1);
        List<Integer> got = new CopyOnWriteArrayList<>();
        Gauge gauge = new Gauge();
        subscriber.subscribe(topic, e -> {
            gauge.enter();
            try {
                got.add(number(e));
                Thread.onSpinWait(); // a handler that takes a moment, so that overlaps would show
            } finally {
                gauge.leave();
            }
        }, options(kind));

        int n = 2_000;
        List<CompletableFuture<Void>> published = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            published.add(publisher.publish(topic, message(i))); // one publisher: NATS keeps its order
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).join();

        await().atMost(SEEN).until(() -> got.size() >= n);
        assertThat(got).hasSize(n);
        assertThat(got).isSorted();
        assertThat(gauge.most.get()).as("handlers at once").isEqualTo(1);
    }

    @ParameterizedTest(name = "jetstream={0} {1}")
    @CsvSource({"false, queue", "false, broadcast", "true, queue", "true, broadcast"})
    void withConcurrencyNUpToNMessagesAtATime(boolean jetStream, String kind) throws Exception {
        int concurrency = 4;
        String topic = "conc-" + UUID.randomUUID().toString().substring(0, 8);
        Broker subscriber = broker(jetStream, concurrency);
        Broker publisher = broker(jetStream, 1);
        Gauge gauge = new Gauge();
        CountDownLatch together = new CountDownLatch(concurrency);
        AtomicInteger done = new AtomicInteger();
        subscriber.subscribe(topic, e -> {
            gauge.enter();
            try {
                together.countDown();
                // every handler waits until N were in at once: wherever the server sends the messages (each of the N
                // queue subscriptions or pulls gets some of the 400), that happens only if N run at once
                if (!together.await(SEEN.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("fewer than " + concurrency + " handlers ran at once");
                }
                done.incrementAndGet();
            } finally {
                gauge.leave();
            }
        }, options(kind));

        int n = 400;
        for (int i = 0; i < n; i++) {
            publisher.publish(topic, message(i)).join();
        }

        await().atMost(SEEN).untilAsserted(() -> assertThat(done.get()).isEqualTo(n));
        assertThat(together.getCount()).isZero();
        assertThat(gauge.most.get()).as("handlers at once").isEqualTo(concurrency);
    }

    @Test
    void aConcurrencyBelowOneFailsNamingTheKey() {
        assertThatThrownBy(() -> NatsBrokerConfig.from(MicroConfig.of(Map.of(NatsBrokerConfig.CONCURRENCY, "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(NatsBrokerConfig.CONCURRENCY);
    }
}
