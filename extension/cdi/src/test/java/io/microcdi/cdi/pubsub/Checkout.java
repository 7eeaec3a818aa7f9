package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.List;

/** Publishes orders: a field injection, a lookup through {@code Instance}, a generic and an array payload. */
@ApplicationScoped
public class Checkout {

    @Inject
    @Topic("orders")
    Publisher<OrderPlaced> orders;

    @Inject
    @Topic("orders")
    Instance<Publisher<OrderPlaced>> lazyOrders;

    @Inject
    @Topic("batches")
    Publisher<List<OrderPlaced>> batches;

    @Inject
    @Topic("blobs")
    Publisher<byte[]> blobs;

    public Publisher<OrderPlaced> orders() {
        return orders;
    }

    public Publisher<OrderPlaced> lazyOrders() {
        return lazyOrders.get();
    }

    public Publisher<List<OrderPlaced>> batches() {
        return batches;
    }

    public Publisher<byte[]> blobs() {
        return blobs;
    }
}
