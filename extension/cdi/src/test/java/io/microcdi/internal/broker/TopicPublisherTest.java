package io.microcdi.internal.broker;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.cdi.pubsub.OrderPlaced;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The publisher against a broker that records what it is given and answers as told. */
class TopicPublisherTest {

    /** A broker whose publish answers with {@code answer}. */
    static final class FakeBroker implements Broker {
        final List<BrokerMessage> published = new CopyOnWriteArrayList<>();
        final Function<BrokerMessage, CompletableFuture<Void>> answer;

        FakeBroker(Function<BrokerMessage, CompletableFuture<Void>> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String address() {
            return "";
        }

        @Override
        public void connect() {
        }

        @Override
        public void disconnect() {
        }

        @Override
        public CompletableFuture<Void> publish(String topic, BrokerMessage message) {
            published.add(message);
            return answer.apply(message);
        }

        @Override
        public Subscription subscribe(String topic, Handler handler, SubscribeOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    private static TopicPublisher<OrderPlaced> publisher(Broker broker, Duration timeout) {
        return new TopicPublisher<>("orders", OrderPlaced.class, broker, new JsonCodec(), timeout);
    }

    @Test
    void setsTheHeadersOverTheCallersAndEncodesJson() {
        FakeBroker broker = new FakeBroker(m -> CompletableFuture.completedFuture(null));
        TopicPublisher<OrderPlaced> orders = publisher(broker, Duration.ofSeconds(1));

        orders.publish(new OrderPlaced(1, "book"));
        orders.publish(new OrderPlaced(2, "pen"), Metadata.of("X-Tenant", "acme", "micro-topic", "spoofed",
                "Micro-Id", "mine"));

        assertThat(broker.published).hasSize(2);
        BrokerMessage first = broker.published.get(0);
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"item\":\"book\"}");
        assertThat(first.header().get("Content-Type")).isEqualTo("application/json");
        assertThat(first.header().get("Micro-Topic")).isEqualTo("orders");
        assertThat(first.header().get("Micro-Id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                + "[0-9a-f]{12}");
        Metadata second = broker.published.get(1).header();
        assertThat(second.get("x-tenant")).isEqualTo("acme");
        assertThat(second.get("Micro-Topic")).isEqualTo("orders");
        assertThat(second.get("Micro-Id")).isNotEqualTo("mine").isNotEqualTo(first.header().get("Micro-Id"));
        assertThat(second.size()).isEqualTo(4);
    }

    @Test
    void aBrokerFailureIsAMicroExceptionNamingTheTopic() {
        FakeBroker broker = new FakeBroker(m -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        assertThatThrownBy(() -> publisher(broker, Duration.ofSeconds(1)).publish(new OrderPlaced(1, "x")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.id()).isEqualTo("go.micro.client");
                    assertThat(e.detail()).isEqualTo("publish to orders: down");
                });
        MicroException own = MicroException.notFound("go.micro.broker", "no subscriber");
        FakeBroker refusing = new FakeBroker(m -> CompletableFuture.failedFuture(own));
        assertThatThrownBy(() -> publisher(refusing, Duration.ofSeconds(1)).publish(new OrderPlaced(1, "x")))
                .isSameAs(own);
    }

    @Test
    void aBrokerThatNeverAnswersTimesOutWithA408() {
        FakeBroker broker = new FakeBroker(m -> new CompletableFuture<>());
        TopicPublisher<OrderPlaced> orders = publisher(broker, Duration.ofMillis(50));
        assertThatThrownBy(() -> orders.publish(new OrderPlaced(1, "x")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(408));
        assertThatThrownBy(() -> orders.publishAsync(new OrderPlaced(2, "x")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(408);
                    assertThat(e.detail()).isEqualTo("publish to orders: not accepted within PT0.05S");
                });
    }

    @Test
    void asyncContinuationsDoNotRunOnTheBrokersThread() throws Exception {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        FakeBroker broker = new FakeBroker(m -> accepted);
        var stage = publisher(broker, Duration.ofSeconds(5)).publishAsync(new OrderPlaced(1, "x"));
        CompletableFuture<String> thread = stage.thenApply(v -> Thread.currentThread().getName())
                .toCompletableFuture();
        Thread io = new Thread(() -> accepted.complete(null), "microcdi-io-test");
        io.start();
        assertThat(thread.get(5, TimeUnit.SECONDS)).isNotEqualTo("microcdi-io-test");
    }

    @Test
    void anUnencodableValueFailsBeforeReachingTheBroker() {
        FakeBroker broker = new FakeBroker(m -> CompletableFuture.completedFuture(null));
        TopicPublisher<Object> any = new TopicPublisher<>("orders", Object.class, broker, new JsonCodec(),
                Duration.ofSeconds(1));
        Object unencodable = new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                throw new IllegalStateException("no");
            }
        };
        assertThatThrownBy(() -> any.publish(unencodable))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.id()).isEqualTo("go.micro.client.codec"));
        assertThat(any.publishAsync(unencodable).toCompletableFuture()).isCompletedExceptionally();
        assertThat(broker.published).isEmpty();
    }
}
