package io.microcdi.quarkus.deployment;

import io.microcdi.annotation.Subscribe;
import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub on Quarkus: a {@code @Subscribe} method of a bean that nothing injects (a bean ArC may remove as unused;
 * {@code MicroProcessor} keeps it) gets what an injected {@code @Topic} publisher sends, over the {@code memory} broker.
 */
class PubSubQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Order.class, Orders.class))
            .overrideConfigKey("micro.registry", "memory")
            .overrideConfigKey("micro.broker", "memory")
            .overrideConfigKey("micro.server.address", "127.0.0.1:0");

    @Inject
    @Topic("orders")
    Publisher<Order> orders;

    @Test
    void subscriberReceivesWhatIsPublished() {
        orders.publish(new Order("o-1"));

        await().untilAsserted(() -> assertThat(Orders.RECEIVED).containsExactly(new Order("o-1")));
    }

    /** The message. */
    public record Order(String id) {
    }

    /** A subscriber bean that nothing injects. */
    @ApplicationScoped
    public static class Orders {
        static final List<Order> RECEIVED = new CopyOnWriteArrayList<>();

        @Subscribe(topic = "orders")
        public void on(Order order) {
            RECEIVED.add(order);
        }
    }
}
