package io.microcdi.examples.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes orders 1..N on topic {@code orders}, keeping up to {@code window} publishes in flight.
 *
 * <pre>{@code
 * java -jar examples/pubsub/target/pubsub.jar publish 10000
 * }</pre>
 */
@ApplicationScoped
public class OrderPublisher {

    @Inject
    @Topic("orders")
    Publisher<OrderPlaced> orders;

    /**
     * Publishes {@code count} orders; returns how many failed (each was published and not accepted by every group).
     */
    public long publish(long count, int window) throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        AtomicLong failed = new AtomicLong();
        for (long id = 1; id <= count; id++) {
            inFlight.acquire();
            orders.publishAsync(new OrderPlaced(id, "item-" + id)).whenComplete((ok, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                    System.err.println("publish failed: " + error.getMessage());
                }
                inFlight.release();
            });
        }
        inFlight.acquire(window); // every publish answered
        return failed.get();
    }
}
