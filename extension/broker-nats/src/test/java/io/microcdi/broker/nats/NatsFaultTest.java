package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the NATS broker does when the server goes away and comes back, and its wire against a Go Micro peer, on real
 * nats-server processes of each test's own.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NatsFaultTest {

    private static final Duration SEEN = Duration.ofSeconds(20);

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private NatsServer server() {
        NatsServer.assumeInstalled();
        NatsServer s = NatsServer.start();
        closing.add(s);
        return s;
    }

    private Broker broker(NatsBrokerConfig config) {
        Broker b = new NatsBroker(config);
        b.connect();
        closing.add(b::disconnect);
        return b;
    }

    private static NatsBrokerConfig config(NatsServer nats, String... more) {
        Map<String, String> values = new java.util.HashMap<>();
        values.put(NatsBrokerConfig.SERVERS, nats.urlList());
        values.put(NatsBrokerConfig.RECONNECT_WAIT, "100ms");
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return NatsBrokerConfig.from(MicroConfig.of(values));
    }

    private static BrokerMessage message(String text) {
        return new BrokerMessage(Metadata.of("Content-Type", "text/plain", "Micro-Id", UUID.randomUUID().toString()),
                text.getBytes(StandardCharsets.UTF_8));
    }

    private static String topic() {
        return "nf-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void publishesDuringAReconnectAreSentAfterItAndTheSubscriptionsStay() {
        NatsServer nats = server();
        String topic = topic();
        Broker subscriber = broker(config(nats));
        Set<String> got = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(topic, e -> got.add(new String(e.message().body(), StandardCharsets.UTF_8)),
                SubscribeOptions.queue("g"));
        Broker publisher = broker(config(nats, "micro.broker.publish-timeout", "60s"));
        publisher.publish(topic, message("before")).join();
        await().atMost(SEEN).until(() -> got.contains("before"));

        assertThat(publisher.connected()).as("ready while the connection is up").isTrue();
        nats.node(0).stop();
        await().atMost(SEEN).until(() -> statusOf(publisher) != Connection.Status.CONNECTED);
        assertThat(publisher.connected()).as("not ready while reconnecting").isFalse();
        List<CompletableFuture<Void>> during = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            during.add(publisher.publish(topic, message("during-" + i)));
        }
        assertThat(during).noneMatch(CompletableFuture::isDone); // kept, not yet sent

        nats.node(0).restart();

        assertThat(CompletableFuture.allOf(during.toArray(CompletableFuture[]::new))).succeedsWithin(SEEN);
        assertThat(publisher.connected()).as("ready again").isTrue();
        // the subscription comes back with the subscriber's own connection; what was sent before that reached nobody
        // (core NATS is at most once), so the proof is a message published until it arrives
        await().atMost(SEEN).until(() -> {
            publisher.publish(topic, message("after")).join();
            return got.contains("after");
        });
    }

    @Test
    void beyondTheReconnectBufferAPublishFailsAtOnceNamingTheKey() {
        NatsServer nats = server();
        String topic = topic();
        Broker publisher = broker(config(nats, NatsBrokerConfig.RECONNECT_BUFFER, "4k"));
        nats.node(0).stop();
        await().atMost(SEEN).until(() -> statusOf(publisher) != Connection.Status.CONNECTED);

        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(publisher.publish(topic, message("x".repeat(100))));
        }

        CompletableFuture<Void> refused = futures.stream().filter(CompletableFuture::isCompletedExceptionally)
                .findFirst().orElseThrow(() -> new AssertionError("no publish was refused beyond 4 KiB"));
        assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.detail()).contains(topic).contains(NatsBrokerConfig.RECONNECT_BUFFER);
                });
    }

    @Test
    void aPublishNotSentWithinThePublishTimeoutFailsWith408() {
        NatsServer nats = server();
        Broker publisher = broker(config(nats, "micro.broker.publish-timeout", "300ms"));
        nats.node(0).stop();
        await().atMost(SEEN).until(() -> statusOf(publisher) != Connection.Status.CONNECTED);

        CompletableFuture<Void> f = publisher.publish(topic(), message("late"));

        assertThat(f).failsWithin(SEEN).withThrowableOfType(ExecutionException.class).havingCause()
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(408));
    }

    @Test
    void jetStreamKeepsWhatIsPublishedWhileEveryMemberOfAGroupIsDown() {
        NatsServer nats = server();
        String topic = topic();
        NatsBrokerConfig js = NatsBrokerConfig.jetStream(nats.urlList(), 1);
        Set<String> got = ConcurrentHashMap.newKeySet();
        Broker member = new NatsBroker(js);
        member.connect();
        member.subscribe(topic, e -> got.add(new String(e.message().body(), StandardCharsets.UTF_8)),
                SubscribeOptions.queue("billing"));
        member.disconnect(); // the group's only member goes; its durable consumer stays

        Broker publisher = broker(js);
        for (int i = 0; i < 50; i++) {
            publisher.publish(topic, message("m" + i)).join(); // stored
        }
        Broker back = broker(js);
        back.subscribe(topic, e -> got.add(new String(e.message().body(), StandardCharsets.UTF_8)),
                SubscribeOptions.queue("billing"));

        await().atMost(SEEN).until(() -> got.size() == 50);
    }

    @Test
    void goMicroPeersOnTheSameSubjectsHearUsAndAreHeard() throws Exception {
        NatsServer nats = server();
        String topic = topic();
        try (Connection go = Nats.connect(nats.urlList())) {
            // a Go Micro v1.10 subscriber: a plain subscription on the topic, reading the JSON envelope
            Set<String> heardByGo = ConcurrentHashMap.newKeySet();
            Dispatcher d = go.createDispatcher(m -> heardByGo.add(new String(m.getData(), StandardCharsets.UTF_8)));
            d.subscribe(topic);
            go.flush(Duration.ofSeconds(5));
            Broker ours = broker(config(nats));
            Set<String> heardByUs = ConcurrentHashMap.newKeySet();
            ours.subscribe(topic, e -> heardByUs.add(e.message().header().get("Content-Type") + " "
                    + new String(e.message().body(), StandardCharsets.UTF_8)), SubscribeOptions.queue("q"));

            ours.publish(topic, new BrokerMessage(Metadata.of("Content-Type", "application/json"),
                    "{\"id\":1}".getBytes(StandardCharsets.UTF_8))).join();
            // what Go Micro's broker/nats publishes: the envelope, no NATS headers
            go.publish(topic, NatsWireTest.GO_PAYLOAD.getBytes(StandardCharsets.UTF_8));

            await().atMost(SEEN).until(() -> heardByGo.size() == 2 && heardByUs.size() == 2);
            assertThat(heardByGo).contains("{\"Header\":{\"Content-Type\":\"application/json\"},\"Body\":\"eyJpZCI6MX0=\"}");
            assertThat(heardByUs).containsExactlyInAnyOrder("application/json {\"id\":1}",
                    "application/json {\"id\":0}");
        }
    }

    private static Connection.Status statusOf(Broker b) {
        NatsBroker.Running r = ((NatsBroker) b).running();
        return r == null ? Connection.Status.CLOSED : r.connection().getStatus();
    }
}
