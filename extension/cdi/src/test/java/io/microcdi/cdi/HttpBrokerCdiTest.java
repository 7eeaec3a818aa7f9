package io.microcdi.cdi;

import io.microcdi.broker.Publisher;
import io.microcdi.cdi.pubsub.Audit;
import io.microcdi.cdi.pubsub.Checkout;
import io.microcdi.cdi.pubsub.Everyone;
import io.microcdi.cdi.pubsub.Fragile;
import io.microcdi.cdi.pubsub.OrderPlaced;
import io.microcdi.cdi.pubsub.ShippingA;
import io.microcdi.cdi.pubsub.ShippingB;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same glue on the default {@code http} broker, on loopback: subscriptions registered in the (memory) registry,
 * deliveries POSTed to the broker's own listener, deregistered on shutdown.
 */
class HttpBrokerCdiTest {

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.broker.retries")) {
            System.clearProperty(key);
        }
    }

    @Test
    void queueGroupsBroadcastAndMetadataOverHttp() {
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory"), Checkout.class, ShippingA.class,
                ShippingB.class, Audit.class, Everyone.class);
        assertThat(container.select(io.microcdi.broker.Broker.class).get().name()).isEqualTo("http");
        Publisher<OrderPlaced> orders = container.select(Checkout.class).get().orders();
        int n = 100;
        for (long id = 1; id <= n; id++) {
            orders.publish(new OrderPlaced(id, "item-" + id), Metadata.of("X-Tenant", "acme"));
        }

        Set<Long> shipping = new HashSet<>();
        container.select(ShippingA.class).get().inbox().payloads().forEach(o -> shipping.add(o.id()));
        container.select(ShippingB.class).get().inbox().payloads().forEach(o -> shipping.add(o.id()));
        int shares = container.select(ShippingA.class).get().inbox().size()
                + container.select(ShippingB.class).get().inbox().size();
        assertThat(shares).isEqualTo(n);
        assertThat(shipping).hasSize(n);
        assertThat(container.select(Everyone.class).get().inbox().size()).isEqualTo(n);
        Audit audit = container.select(Audit.class).get();
        assertThat(audit.inbox().size()).isEqualTo(n);
        assertThat(audit.inbox().headers()).allSatisfy(h -> {
            assertThat(h.get("X-Tenant")).isEqualTo("acme");
            assertThat(h.get("Micro-Topic")).isEqualTo("orders");
            assertThat(h.get("Content-Type")).isEqualTo("application/json");
        });
        assertThat(audit.inbox().threads()).allSatisfy(t -> assertThat(t).doesNotStartWith("microcdi-io"));
    }

    @Test
    void aThrowingSubscriberFailsThePublishAfterTheRetries() {
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker.retries", "1"),
                Fragile.class);
        Fragile fragile = container.select(Fragile.class).get();
        assertThatThrownBy(() -> fragile.publisher().publish(new OrderPlaced(1, "bad")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.getMessage())
                        .contains("cannot ship bad"));
        assertThat(fragile.attempts()).isEqualTo(2);
        fragile.publisher().publish(new OrderPlaced(2, "good"));
        assertThat(fragile.accepted().payloads()).containsExactly(new OrderPlaced(2, "good"));
    }

    @Test
    void shutdownDeregistersTheSubscriptions() {
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory"), Audit.class);
        assertThat(MemoryRegistry.shared().getService("topic:orders")).isNotEmpty();
        container.close();
        assertThat(MemoryRegistry.shared().getService("topic:orders")).isEmpty();
    }
}
