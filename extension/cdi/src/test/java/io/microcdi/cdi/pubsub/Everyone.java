package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A broadcast subscriber (no queue) answering with a stage completed on another thread. */
@ApplicationScoped
public class Everyone {

    final Inbox<OrderPlaced> inbox = new Inbox<>();

    @Subscribe(topic = "orders")
    public CompletionStage<Void> onOrder(OrderPlaced order) {
        return CompletableFuture.runAsync(() -> inbox.add(order, null));
    }

    public Inbox<OrderPlaced> inbox() {
        return inbox;
    }
}
