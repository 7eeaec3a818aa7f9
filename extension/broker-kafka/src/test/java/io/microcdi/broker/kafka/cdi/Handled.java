package io.microcdi.broker.kafka.cdi;

import io.microcdi.metadata.Metadata;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one subscriber bean handled: each order with its headers and the thread it ran on, in the order handled. */
public final class Handled {

    /** One delivery. */
    public record Delivery(Order order, Metadata metadata, String thread) {
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    void add(Order order, Metadata metadata) {
        deliveries.add(new Delivery(order, metadata, Thread.currentThread().getName()));
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public List<Order> orders() {
        return deliveries.stream().map(Delivery::order).toList();
    }

    public int size() {
        return deliveries.size();
    }
}
