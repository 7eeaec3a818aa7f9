package io.microcdi.cdi;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Publisher;
import io.microcdi.broker.Subscription;
import io.microcdi.cdi.pubsub.Audit;
import io.microcdi.cdi.pubsub.Batches;
import io.microcdi.cdi.pubsub.Checkout;
import io.microcdi.cdi.pubsub.Configured;
import io.microcdi.cdi.pubsub.CountingBrokerProvider;
import io.microcdi.cdi.pubsub.Everyone;
import io.microcdi.cdi.pubsub.Fragile;
import io.microcdi.cdi.pubsub.InheritingListener;
import io.microcdi.cdi.pubsub.OrderPlaced;
import io.microcdi.cdi.pubsub.OverridingListener;
import io.microcdi.cdi.pubsub.ShippingA;
import io.microcdi.cdi.pubsub.ShippingB;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub in one Weld SE container on the {@code memory} broker: {@code @Subscribe} discovery and dispatch, queue
 * groups, {@code @Topic} publishers, metadata, failures and the lifecycle.
 */
class PubSubCdiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Class<?>[] SHOP = {Checkout.class, ShippingA.class, ShippingB.class, Audit.class,
            Everyone.class};

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.broker", "micro.server.enabled", "micro.broker.retries",
                "test.pubsub.topic", "test.pubsub.group")) {
            System.clearProperty(key);
        }
    }

    private static Map<String, String> memory(String... more) {
        Map<String, String> config = new HashMap<>(Map.of("micro.registry", "memory", "micro.broker", "memory"));
        for (int i = 0; i < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    private <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    @Test
    void eachQueueGroupGetsEachMessageOnceAndBroadcastGetsAll() {
        container = MicroCdiTest.boot(memory(), SHOP);
        Publisher<OrderPlaced> orders = bean(Checkout.class).orders();
        int n = 200;
        for (long id = 1; id <= n; id++) {
            orders.publish(new OrderPlaced(id, "item-" + id));
        }

        List<OrderPlaced> a = bean(ShippingA.class).inbox().payloads();
        List<OrderPlaced> b = bean(ShippingB.class).inbox().payloads();
        // publish returned once every group accepted the message: nothing is left to wait for
        assertThat(a.size() + b.size()).isEqualTo(n);
        Set<Long> shipping = new HashSet<>();
        a.forEach(o -> shipping.add(o.id()));
        b.forEach(o -> shipping.add(o.id()));
        assertThat(shipping).hasSize(n); // disjoint shares
        assertThat(a).isNotEmpty();
        assertThat(b).isNotEmpty();
        assertThat(bean(Audit.class).inbox().payloads()).extracting(OrderPlaced::id)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
        assertThat(bean(Everyone.class).inbox().payloads()).hasSize(n);
    }

    @Test
    void jsonRecordsRoundTripAndGenericAndArrayPayloadsKeepTheirType() {
        container = MicroCdiTest.boot(memory(), Checkout.class, Audit.class, Batches.class);
        bean(Checkout.class).orders().publish(new OrderPlaced(7, "caf\u00e9 \"latte\""));
        bean(Checkout.class).batches().publish(List.of(new OrderPlaced(1, "a"), new OrderPlaced(2, "b")));

        assertThat(bean(Audit.class).inbox().payloads()).containsExactly(new OrderPlaced(7, "caf\u00e9 \"latte\""));
        // decoded as List<OrderPlaced>, not as a list of maps
        assertThat(bean(Batches.class).inbox().payloads()).singleElement().satisfies(batch ->
                assertThat(batch).containsExactly(new OrderPlaced(1, "a"), new OrderPlaced(2, "b")));
        bean(Checkout.class).blobs().publish(new byte[] {1, 2, 3});
        assertThat(bean(Batches.class).blobs().payloads()).singleElement().isEqualTo(new byte[] {1, 2, 3});
    }

    @Test
    void theCallersMetadataAndTheMessageHeadersReachTheSubscriber() {
        container = MicroCdiTest.boot(memory(), Checkout.class, Audit.class);
        Publisher<OrderPlaced> orders = bean(Checkout.class).orders();
        orders.publish(new OrderPlaced(1, "x"), Metadata.of("X-Tenant", "acme", "Micro-Topic", "spoofed"));
        orders.publish(new OrderPlaced(2, "y"));

        List<Metadata> headers = bean(Audit.class).inbox().headers();
        assertThat(headers).hasSize(2);
        Metadata first = headers.get(0);
        assertThat(first.get("x-tenant")).isEqualTo("acme");
        assertThat(first.get("Micro-Topic")).isEqualTo("orders");
        assertThat(first.get("Content-Type")).isEqualTo("application/json");
        assertThat(first.get("Micro-Id")).hasSize(36);
        assertThat(headers.get(1).get("Micro-Id")).isNotEqualTo(first.get("Micro-Id"));
        assertThat(headers.get(1).contains("X-Tenant")).isFalse();
    }

    @Test
    void subscribersRunOnTheBrokersWorkersNotOnThePublishersThread() {
        container = MicroCdiTest.boot(memory(), Checkout.class, Audit.class);
        bean(Checkout.class).orders().publish(new OrderPlaced(1, "x"));
        assertThat(bean(Audit.class).inbox().threads()).singleElement().asString()
                .isNotEqualTo(Thread.currentThread().getName())
                .doesNotStartWith("microcdi-io");
    }

    @Test
    void aPublisherThroughInstanceIsTheSameBean() {
        container = MicroCdiTest.boot(memory(), Checkout.class, Audit.class);
        Checkout checkout = bean(Checkout.class);
        assertThat(checkout.lazyOrders()).isSameAs(checkout.orders());
        assertThat(checkout.lazyOrders().topic()).isEqualTo("orders");
        checkout.lazyOrders().publish(new OrderPlaced(3, "lazy"));
        assertThat(bean(Audit.class).inbox().payloads()).containsExactly(new OrderPlaced(3, "lazy"));
    }

    @Test
    void publishAsyncCompletesOnceEveryGroupAccepted() throws Exception {
        container = MicroCdiTest.boot(memory(), SHOP);
        Publisher<OrderPlaced> orders = bean(Checkout.class).orders();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (long id = 1; id <= 50; id++) {
            sent.add(orders.publishAsync(new OrderPlaced(id, "async"), Metadata.of("X-Batch", "1"))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(bean(Audit.class).inbox().size()).isEqualTo(50);
        assertThat(bean(Audit.class).inbox().headers()).allSatisfy(h -> assertThat(h.get("X-Batch")).isEqualTo("1"));
        assertThat(bean(ShippingA.class).inbox().size() + bean(ShippingB.class).inbox().size()).isEqualTo(50);
        assertThat(bean(Everyone.class).inbox().size()).isEqualTo(50);
    }

    @Test
    void aThrowingSubscriberIsRetriedThenThePublishFailsNamingTheError() {
        container = MicroCdiTest.boot(memory("micro.broker.retries", "2"), Fragile.class);
        Fragile fragile = bean(Fragile.class);

        // the memory broker retries a handler error (micro.broker.retries=2: three attempts), then fails the publish
        assertThatThrownBy(() -> fragile.publisher().publish(new OrderPlaced(1, "bad")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.getMessage())
                        .contains("fragile")
                        .contains("cannot ship bad"));
        assertThat(fragile.attempts()).isEqualTo(3);

        // the async variant fails its stage the same way, and the subscriber keeps serving
        assertThatThrownBy(() -> fragile.publisher().publishAsync(new OrderPlaced(2, "bad")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(MicroException.class);
        fragile.publisher().publish(new OrderPlaced(3, "good"));
        assertThat(fragile.accepted().payloads()).containsExactly(new OrderPlaced(3, "good"));
    }

    @Test
    void anUnknownContentTypeOrABadBodyIsAFailedDeliveryNamingTheProblem() {
        container = MicroCdiTest.boot(memory("micro.broker.retries", "0"), Audit.class);
        Broker broker = bean(Broker.class);
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> broker.publish("orders", new BrokerMessage(
                Metadata.of("Content-Type", "application/x-nope"), body)).get(10, TimeUnit.SECONDS))
                .hasStackTraceContaining(Audit.class.getName() + "#onOrder: topic orders: no codec for Content-Type "
                        + "application/x-nope (expected: one of application/json, application/json-rpc)");
        assertThatThrownBy(() -> broker.publish("orders", new BrokerMessage(
                Metadata.of("Content-Type", "application/json"), "{not json".getBytes(StandardCharsets.UTF_8)))
                .get(10, TimeUnit.SECONDS))
                .hasStackTraceContaining(Audit.class.getName() + "#onOrder: topic orders: json:");

        // no Content-Type at all reads as JSON
        broker.publish("orders", new BrokerMessage(Metadata.empty(), body)).join();
        assertThat(bean(Audit.class).inbox().payloads()).containsExactly(new OrderPlaced(1, null));
    }

    @Test
    void topicAndQueueMayNameConfiguration() {
        container = MicroCdiTest.boot(memory("test.pubsub.topic", "configured-orders"), Configured.class);
        Configured configured = bean(Configured.class);
        assertThat(configured.publisher().topic()).isEqualTo("configured-orders");
        assertThat(bean(MicroLifecycle.class).subscriptions()).singleElement().satisfies(s -> {
            assertThat(s.topic()).isEqualTo("configured-orders");
            assertThat(s.queue()).isEmpty();
        });
        configured.publisher().publish(new OrderPlaced(5, "configured"));
        assertThat(configured.inbox().payloads()).containsExactly(new OrderPlaced(5, "configured"));
    }

    @Test
    void anUnsetPropertyInATopicStopsTheStartNamingIt() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory("test.pubsub.topic", "t"),
                io.microcdi.cdi.pubsub.UnsetTopic.class))
                .hasStackTraceContaining("@Subscribe(topic) of " + io.microcdi.cdi.pubsub.UnsetTopic.class.getName()
                        + "#onOrder = \"${test.pubsub.nowhere}\": property test.pubsub.nowhere is not set");
    }

    @Test
    void inheritedSubscriberMethodsCountOnceAndOverridesWithoutTheAnnotationNot() {
        container = MicroCdiTest.boot(memory(), InheritingListener.class, OverridingListener.class);
        assertThat(bean(MicroLifecycle.class).subscriptions()).extracting(Subscription::topic)
                .containsExactly("inherited");
    }

    @Test
    void shutdownUnsubscribesBeforeTheServerStops() {
        container = MicroCdiTest.boot(memory(), io.microcdi.cdi.app.Echo.class, Audit.class);
        assertThat(bean(MicroLifecycle.class).subscriptions()).hasSize(1);
        assertThat(bean(MicroLifecycle.class).server()).isNotNull();
        Audit audit = bean(Audit.class);
        container.close();

        // a second container in this JVM publishes to the topic: the closed one's subscriber is gone
        container = MicroCdiTest.boot(memory(), Checkout.class);
        bean(Checkout.class).orders().publish(new OrderPlaced(1, "after"));
        assertThat(audit.inbox().size()).isZero();
    }

    @Test
    void twoContainersInOneJvmDeliverToEachOther() {
        container = MicroCdiTest.boot(memory(), Audit.class);
        SeContainer publisherSide = MicroCdiTest.boot(memory("micro.server.enabled", "false"), Checkout.class);
        try {
            // the publishing container subscribes nothing: micro.server.enabled=false
            assertThat(publisherSide.select(MicroLifecycle.class).get().subscriptions()).isEmpty();
            publisherSide.select(Checkout.class).get().orders().publish(new OrderPlaced(9, "across"));
        } finally {
            publisherSide.close();
        }
        await().atMost(WAIT).until(() -> bean(Audit.class).inbox().size() == 1);
        assertThat(bean(Audit.class).inbox().payloads()).containsExactly(new OrderPlaced(9, "across"));
    }

    @Test
    void aClientOnlyProcessSubscribesNothingButPublishes() {
        container = MicroCdiTest.boot(memory("micro.server.enabled", "false"), Checkout.class, Audit.class);
        assertThat(bean(MicroLifecycle.class).subscriptions()).isEmpty();
        bean(Checkout.class).orders().publish(new OrderPlaced(1, "nobody listens"));  // no subscriber: no error
        assertThat(bean(Audit.class).inbox().size()).isZero();
    }

    @Test
    void aBrokerProviderBeanIsChosenByName() {
        int before = CountingBrokerProvider.created;
        container = MicroCdiTest.boot(memory("micro.broker", "bean-broker"), CountingBrokerProvider.class,
                Checkout.class, Audit.class);
        bean(Checkout.class).orders().publish(new OrderPlaced(4, "bean"));
        assertThat(CountingBrokerProvider.created).isEqualTo(before + 1);
        assertThat(bean(Broker.class).name()).isEqualTo("memory");
        assertThat(bean(Audit.class).inbox().payloads()).containsExactly(new OrderPlaced(4, "bean"));
    }

    @Test
    void anUnknownBrokerNameStopsTheStart() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory("micro.broker", "carrier-pigeon"), Audit.class))
                .hasStackTraceContaining("micro.broker=carrier-pigeon (expected: one of ")
                .hasStackTraceContaining("memory");
    }
}
