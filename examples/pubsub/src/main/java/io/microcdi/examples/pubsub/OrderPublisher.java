package io.microcdi.examples.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Registry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes numbered orders on topic {@code orders} ({@code pubsub.topic}), keeping up to {@code window} publishes in flight.
 *
 * <pre>{@code
 * java -jar examples/pubsub/target/pubsub.jar publish 10000
 * }</pre>
 */
@ApplicationScoped
public class OrderPublisher {

    @Inject
    @Topic("${pubsub.topic:orders}")
    Publisher<OrderPlaced> orders;

    @Inject
    Registry registry;

    /** The topic published to. */
    public String topic() {
        return orders.topic();
    }

    /**
     * Waits until the registry lists at least {@code n} subscriptions of the topic (the HTTP broker registers each as
     * a node of service {@code topic:<topic>}).
     */
    public boolean awaitSubscribers(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int nodes = registry.getService("topic:" + orders.topic()).stream().mapToInt(s -> s.nodes().size()).sum();
            if (nodes >= n) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Publishes {@code count} orders numbered from {@code from}; returns how many failed (each was published and not accepted by every group).
     * Each failure is printed on stderr as {@code publish failed: order <id>: <error>}.
     */
    public long publish(long from, long count, int window) throws InterruptedException {
        return publish(from, count, window, 0);
    }

    /**
     * {@link #publish(long, long, int)}, with {@code keys} above 0 giving order {@code id} the {@code Micro-Key}
     * {@code k<id % keys>}.
     */
    public long publish(long from, long count, int window, int keys) throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        AtomicLong failed = new AtomicLong();
        for (long id = from; id < from + count; id++) {
            inFlight.acquire();
            long order = id;
            OrderPlaced placed = new OrderPlaced(order, "item-" + order);
            CompletionStage<Void> published = keys > 0
                    ? orders.publishAsync(placed, Metadata.of("Micro-Key", "k" + order % keys))
                    : orders.publishAsync(placed);
            published.whenComplete((ok, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                    System.err.println("publish failed: order " + order + ": " + error.getMessage());
                }
                inFlight.release();
            });
        }
        inFlight.acquire(window); // every publish answered
        return failed.get();
    }
}
