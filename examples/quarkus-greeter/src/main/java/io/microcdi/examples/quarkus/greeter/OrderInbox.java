package io.microcdi.examples.quarkus.greeter;

import io.microcdi.annotation.Subscribe;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.BitSet;

/**
 * Receives the orders of topic {@code orders} ({@code orders.topic}) in queue group {@code quarkus-greeter}: one
 * instance of this application gets each order, whoever published it (this application's {@code POST /orders}, or
 * {@code java -jar examples/pubsub/target/pubsub.jar publish 100} on Weld SE).
 */
@ApplicationScoped
public class OrderInbox {

    private final BitSet ids = new BitSet();
    private long received;

    @Subscribe(topic = "${orders.topic:orders}", queue = "quarkus-greeter")
    void onOrder(OrderPlaced order) {
        synchronized (this) {
            received++;
            if (order.id() >= 0 && order.id() < Integer.MAX_VALUE) {
                ids.set((int) order.id());
            }
        }
    }

    /** {@code received=N distinct=M}: the orders received, and how many distinct ids among them. */
    public synchronized String summary() {
        return "received=" + received + " distinct=" + ids.cardinality();
    }
}
