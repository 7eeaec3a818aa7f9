package io.microcdi.broker.http;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.transport.http.HttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures the HTTP broker on loopback and logs the figure at INFO: one publisher, a queue group of two members and
 * one broadcast subscriber, each broker with its own transport, as in processes of their own (but sharing the CPUs of
 * one JVM). The assertions check only that every message arrived, never the timing.
 */
class HttpBrokerThroughputTest {

    private static final System.Logger LOG = System.getLogger(HttpBrokerThroughputTest.class.getName());
    private static final int WINDOW = 64;

    private final MemoryRegistry registry = new MemoryRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registry.close();
    }

    private HttpBroker broker() {
        HttpTransport transport = new HttpTransport();
        closeables.add(transport);
        HttpBroker broker = new HttpBroker(HttpBrokerConfig.defaults(), registry, transport);
        broker.connect();
        closeables.add(broker);
        return broker;
    }

    @Test
    void publishesPerSecondWithAQueueGroupAndABroadcastSubscriber() {
        HttpBroker publisher = broker();
        AtomicLong group = new AtomicLong();
        AtomicLong broadcast = new AtomicLong();
        broker().subscribe("load", e -> group.incrementAndGet(), SubscribeOptions.queue("a"));
        broker().subscribe("load", e -> group.incrementAndGet(), SubscribeOptions.queue("a"));
        broker().subscribe("load", e -> broadcast.incrementAndGet(), SubscribeOptions.broadcast());
        byte[] body = "{\"id\":12345,\"item\":\"book\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);

        run(publisher, body, 2_000); // warm-up
        int n = 10_000;
        long start = System.nanoTime();
        run(publisher, body, n);
        long nanos = System.nanoTime() - start;

        assertThat(group.get()).isEqualTo(2_000 + n);
        assertThat(broadcast.get()).isEqualTo(2_000 + n);
        LOG.log(Level.INFO, "http broker on loopback: {0} messages/s published, each accepted by a queue group of 2 "
                + "and a broadcast subscriber ({1} deliveries/s; {2} in flight, {3} processors)",
                String.valueOf(n * 1_000_000_000L / nanos), String.valueOf(2L * n * 1_000_000_000L / nanos),
                String.valueOf(WINDOW), String.valueOf(Runtime.getRuntime().availableProcessors()));
    }

    private static void run(Broker publisher, byte[] body, int n) {
        Semaphore window = new Semaphore(WINDOW);
        List<CompletableFuture<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            window.acquireUninterruptibly();
            BrokerMessage m = new BrokerMessage(Metadata.of("Content-Type", "application/json",
                    "Micro-Id", Integer.toString(i)), body);
            all.add(publisher.publish("load", m).whenComplete((ok, e) -> window.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }
}
