package io.microcdi.wrappers.app;

import io.microcdi.annotation.Subscribe;
import io.microcdi.wrappers.Logged;
import io.microcdi.wrappers.Measured;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logged and measured subscriber; rejects the order {@code "bad"}. */
@Logged
@Measured
@Singleton
public class OrderAudit {

    private final List<String> seen = new CopyOnWriteArrayList<>();

    @Subscribe(topic = "orders")
    public void onOrder(Words order) {
        seen.add(order.text());
        if (order.text().equals("bad")) {
            throw new IllegalArgumentException("bad order");
        }
    }

    public List<String> seen() {
        return List.copyOf(seen);
    }
}
