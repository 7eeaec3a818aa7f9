package io.microcdi.broker.http;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.config.ConfigException;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.testing.broker.BrokerContract;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP broker passes {@link BrokerContract} over the real HTTP transport on loopback, each broker with a transport
 * of its own (as in a process of its own) and the subscriptions in one memory registry; below, its delivery settings,
 * the receiver and the wire form. {@code HttpBrokerMemoryTransportTest} (core) runs the suite over the memory
 * transport.
 */
class HttpBrokerTest extends BrokerContract {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MemoryRegistry registry = new MemoryRegistry();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void closeTheRegistryLast() {
        closeAfterTest(registry);
    }

    @Override
    protected Broker newBroker() {
        return new HttpBroker(HttpBrokerConfig.defaults(), registry, closeAfterTest(new HttpTransport()));
    }

    @Override
    protected int messages() {
        return 2_000;
    }

    /** A connected broker with a transport of its own and {@code delivery} settings. */
    private HttpBroker httpBroker(DeliveryConfig delivery) {
        HttpTransport transport = closeAfterTest(new HttpTransport());
        HttpBroker broker = closeAfterTest(
                new HttpBroker(HttpBrokerConfig.defaults().withDelivery(delivery), registry, transport));
        broker.connect();
        return broker;
    }

    private HttpBroker httpBroker() {
        return httpBroker(DeliveryConfig.defaults());
    }

    private static DeliveryConfig delivery(int retries, Duration publishTimeout) {
        return new DeliveryConfig(retries, true, publishTimeout, Duration.ZERO, 16, true);
    }

    private static Broker.Handler recorder(Set<String> into) {
        return e -> into.add(text(e));
    }

    // ---- publish and subscribe ----

    @Test
    void aMessageTravelsWithItsHeadersAndBytes() {
        HttpBroker publisher = httpBroker();
        HttpBroker subscriber = httpBroker();
        List<Event> got = new CopyOnWriteArrayList<>();
        subscriber.subscribe("orders", got::add, SubscribeOptions.broadcast());
        byte[] body = new byte[1000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }

        publisher.publish("orders", new BrokerMessage(Metadata.of("Content-Type", "application/octet-stream",
                "Micro-Topic", "orders", "X-Trace", "abc é <&>"), body)).join();

        assertThat(got).hasSize(1); // the publish returned once the subscriber accepted it
        Event e = got.get(0);
        assertThat(e.topic()).isEqualTo("orders");
        assertThat(e.message().body()).isEqualTo(body);
        assertThat(e.message().header().asMap()).containsOnly(Map.entry("Content-Type", "application/octet-stream"),
                Map.entry("Micro-Topic", "orders"), Map.entry("X-Trace", "abc é <&>"));
    }

    @Test
    void aSubscriptionIsAGoMicroNodeOfServiceTopicColonTopic() {
        HttpBroker broker = httpBroker();
        Subscription broadcast = broker.subscribe("orders", e -> { }, SubscribeOptions.broadcast());
        Subscription queued = broker.subscribe("orders", e -> { }, SubscribeOptions.queue("audit"));

        List<Service> versions = registry.getService("topic:orders");

        assertThat(versions).extracting(Service::version).containsExactlyInAnyOrder("ff.http.broadcast", "audit");
        for (Service s : versions) {
            Node node = s.nodes().get(0);
            assertThat(node.id()).matches("broker-[0-9a-f-]{36}");
            assertThat(node.address()).isEqualTo(broker.address()).startsWith("127.0.0.1:");
            assertThat(node.metadata()).containsOnly(Map.entry("broker", "http"), Map.entry("topic", "orders"),
                    Map.entry("secure", "false"));
        }
        assertThat(broadcast.queue()).isEmpty();
        assertThat(queued.queue()).isEqualTo("audit");

        queued.unsubscribe();
        assertThat(registry.getService("topic:orders")).extracting(Service::version)
                .containsExactly("ff.http.broadcast");
        broker.disconnect();
        assertThat(registry.getService("topic:orders")).isEmpty();
        assertThat(broker.address()).isEmpty();
    }

    @Test
    void theBrokerListensOnItsOwnAddressNotTheServers() {
        HttpBroker a = httpBroker();
        HttpBroker b = httpBroker();

        assertThat(a.address()).isNotEqualTo(b.address());
        assertThat(a.name()).isEqualTo("http");
    }

    @Test
    void aGroupWhoseEveryMemberFailsFailsThePublishWithTheSubscribersError() {
        HttpBroker publisher = httpBroker();
        AtomicInteger calls = new AtomicInteger();
        httpBroker().subscribe("orders", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("database down");
        }, SubscribeOptions.queue("audit"));

        assertThatThrownBy(() -> publisher.publish("orders", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.id()).isEqualTo("go.micro.broker");
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.detail()).contains("topic orders", "queue group audit", "database down",
                            "attempt 3 of 3");
                });
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void handlerErrorsAreNotRetriedWhenSoConfiguredNorWhenTheyBlameTheMessage() {
        HttpBroker publisher = httpBroker(new DeliveryConfig(2, false, Duration.ofSeconds(5), Duration.ZERO, 4, true));
        AtomicInteger calls = new AtomicInteger();
        httpBroker().subscribe("a", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("no");
        }, SubscribeOptions.queue("g"));
        assertThatThrownBy(() -> publisher.publish("a", message("m")).join()).hasCauseInstanceOf(MicroException.class);
        assertThat(calls.get()).isEqualTo(1);

        HttpBroker retrying = httpBroker();
        AtomicInteger refused = new AtomicInteger();
        httpBroker().subscribe("b", e -> {
            refused.incrementAndGet();
            throw MicroException.badRequest("orders.audit", "cannot decode the order");
        }, SubscribeOptions.queue("g"));
        assertThatThrownBy(() -> retrying.publish("b", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.detail()).contains("cannot decode the order");
                });
        assertThat(refused.get()).isEqualTo(1);
    }

    @Test
    void aMemberWhoseListenerDiesDuringPublishingLeavesEveryMessageToTheGroup() {
        HttpBroker publisher = httpBroker();
        HttpTransport dyingTransport = new HttpTransport();
        closeAfterTest(dyingTransport);
        HttpBroker dying = new HttpBroker(HttpBrokerConfig.defaults(), registry, dyingTransport);
        dying.connect();
        closeAfterTest(dying);
        AtomicInteger a1Deliveries = new AtomicInteger();
        AtomicInteger a2Deliveries = new AtomicInteger();
        Set<String> got = ConcurrentHashMap.newKeySet();
        dying.subscribe("orders", e -> {
            a1Deliveries.incrementAndGet();
            got.add(text(e));
        }, SubscribeOptions.queue("a"));
        httpBroker().subscribe("orders", e -> {
            a2Deliveries.incrementAndGet();
            got.add(text(e));
        }, SubscribeOptions.queue("a"));

        int n = 1_000;
        Semaphore window = new Semaphore(32);
        List<CompletableFuture<Void>> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i == n / 3) {
                // the member's process dies: its listener and connections go, its registration stays
                dyingTransport.close();
            }
            window.acquireUninterruptibly();
            pending.add(publisher.publish("orders", message("m" + i)).whenComplete((ok, e) -> window.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join(); // no publish failed

        assertThat(got).hasSize(n); // at-least-once: every message reached the group
        int duplicates = a1Deliveries.get() + a2Deliveries.get() - n;
        assertThat(duplicates).isBetween(0, 32); // at most the deliveries in flight when it died
        assertThat(registry.getService("topic:orders").get(0).nodes()).hasSize(2);
        System.getLogger(HttpBrokerTest.class.getName()).log(System.Logger.Level.INFO,
                "listener died after {0} of {1} messages: dying member took {2}, the other {3}, duplicates {4}",
                String.valueOf(n / 3), String.valueOf(n), String.valueOf(a1Deliveries.get()),
                String.valueOf(a2Deliveries.get()), String.valueOf(duplicates));
    }

    @Test
    void aQueueGroupWithoutAReachableMemberFailsThePublish() throws Exception {
        HttpBroker publisher = httpBroker();
        registerDeadNode("orders", "audit", "broker-dead-1");

        assertThatThrownBy(() -> publisher.publish("orders", message("m")).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.detail()).contains("topic orders", "queue group audit", "broker-dead-1",
                            "attempt 3 of 3");
                });
    }

    @Test
    void aBroadcastSubscriberThatIsGoneIsSkippedAndTheOthersGetTheMessage() throws Exception {
        HttpBroker publisher = httpBroker();
        registerDeadNode("news", "ff.http.broadcast", "broker-dead-2");
        Set<String> got = ConcurrentHashMap.newKeySet();
        httpBroker().subscribe("news", recorder(got), SubscribeOptions.broadcast());

        publisher.publish("news", message("m")).join();

        assertThat(got).containsExactly("m");
    }

    /** Registers a subscription node at an address where nothing listens (a process killed without deregistering). */
    private void registerDeadNode(String topic, String version, String id) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        registry.register(new Service("topic:" + topic, version, Map.of(), List.of(), List.of(new Node(id,
                "127.0.0.1:" + port, Map.of("broker", "http", "topic", topic, "secure", "false")))),
                Duration.ofMinutes(1));
    }

    @Test
    void aSlowBroadcastSubscriberIsNotTakenForGoneAndItsTimeoutFailsThePublish() {
        HttpBroker publisher = httpBroker(delivery(2, Duration.ofMillis(300)));
        CountDownLatch release = new CountDownLatch(1);
        httpBroker().subscribe("slow-broadcast", e -> release.await(10, TimeUnit.SECONDS), SubscribeOptions.broadcast());

        try {
            // alive but too slow: a timeout proves nothing, so the message must not be reported delivered
            assertThatThrownBy(() -> publisher.publish("slow-broadcast", message("m")).join())
                    .cause()
                    .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(408));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aBroadcastSubscriberLeavingWhilePublishingFailsNoPublish() {
        HttpBroker publisher = httpBroker();
        Set<String> stays = ConcurrentHashMap.newKeySet();
        httpBroker().subscribe("leaving", recorder(stays), SubscribeOptions.broadcast());
        HttpBroker leaving = httpBroker();
        leaving.subscribe("leaving", e -> { }, SubscribeOptions.broadcast());
        await().atMost(WAIT).until(() -> registry.getService("topic:leaving").stream()
                .mapToInt(v -> v.nodes().size()).sum() == 2);
        publishAll(publisher, "leaving", 50); // warm: pooled connections to both

        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            pending.add(publisher.publish("leaving", message("x" + i)));
            if (i == 100) {
                leaving.disconnect(); // deregisters, stops accepting, resets idle connections
            }
        }

        // a reset followed by a refusal is a subscriber that left: skipped, not a failed publish
        assertThat(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
        assertThat(stays).hasSize(450);
    }

    @Test
    void aPublishThatIsNotAcceptedInTimeFails() {
        HttpBroker publisher = httpBroker(delivery(2, Duration.ofMillis(300)));
        CountDownLatch release = new CountDownLatch(1);
        httpBroker().subscribe("slow", e -> release.await(10, TimeUnit.SECONDS), SubscribeOptions.queue("a"));

        try {
            assertThatThrownBy(() -> publisher.publish("slow", message("m")).join())
                    .cause()
                    .isInstanceOfSatisfying(MicroException.class, e -> {
                        assertThat(e.code()).isEqualTo(408);
                        assertThat(e.detail()).contains("topic slow", "queue group a", "300 ms");
                    });
        } finally {
            release.countDown();
        }
    }

    @Test
    void aMessageLargerThanTheSubscribersMaxBodySizeFailsAtOnce() {
        HttpBroker publisher = httpBroker();
        HttpTransport small = new HttpTransport(new HttpTransportConfig(1, 1024, Duration.ofMinutes(1), 10,
                Duration.ofMinutes(1), Duration.ofSeconds(5)));
        closeAfterTest(small);
        HttpBroker subscriber = new HttpBroker(HttpBrokerConfig.defaults(), registry, small);
        subscriber.connect();
        closeAfterTest(subscriber);
        AtomicInteger calls = new AtomicInteger();
        subscriber.subscribe("big", e -> calls.incrementAndGet(), SubscribeOptions.queue("a"));
        subscriber.subscribe("big", e -> calls.incrementAndGet(), SubscribeOptions.queue("a"));

        // the transport answers 413 in Micro-Error (with a 200, as Go Micro's): not an acceptance, and not retried
        assertThatThrownBy(() -> publisher.publish("big", new BrokerMessage(Metadata.empty(), new byte[2048])).join())
                .cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(413);
                    assertThat(e.detail()).contains("topic big", "queue group a", "attempt 1 of 3");
                });
        publisher.publish("big", new BrokerMessage(Metadata.empty(), new byte[100])).join();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void subscriptionsAreReRegisteredBeforeTheyExpire() {
        HttpTransport transport = new HttpTransport();
        closeAfterTest(transport);
        HttpBroker broker = new HttpBroker(HttpBrokerConfig.defaults()
                .withRegistration(Duration.ofMillis(1500), Duration.ofMillis(100)), registry, transport);
        broker.connect();
        closeAfterTest(broker);
        Subscription s = broker.subscribe("orders", e -> { }, SubscribeOptions.queue("a"));

        // two TTLs: only heartbeats keep it (a TTL of 15 heartbeats: a busy machine's pauses cannot expire it)
        await().during(Duration.ofMillis(3000)).atMost(WAIT)
                .until(() -> registry.getService("topic:orders").size() == 1);

        s.unsubscribe();
        // and none brings it back after unsubscribing
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> registry.getService("topic:orders").isEmpty());
    }

    @Test
    void anUnconnectedBrokerSaysSoAndATransportThatCannotPostToSubIsRefusedAtConnect() {
        HttpBroker unconnected = new HttpBroker(HttpBrokerConfig.defaults(), registry,
                closeAfterTest(new HttpTransport()));
        assertThatThrownBy(() -> unconnected.subscribe("t", e -> { }, SubscribeOptions.broadcast()))
                .isInstanceOf(MicroException.class).hasMessageContaining("not connected");

        Transport plain = new Transport() {
            @Override
            public String name() {
                return "grpc";
            }

            @Override
            public Listener listen(String address, Handler handler) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void disconnect(String address) {
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> new HttpBroker(HttpBrokerConfig.defaults(), registry, plain).connect())
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.broker=http needs micro.transport=http or memory (got grpc, which cannot post to "
                        + "/_sub)");
    }

    // ---- the receiver, over raw HTTP ----

    private HttpResponse<String> post(String address, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void malformedBodiesAreAnswered400AndTheBrokerKeepsServing() throws Exception {
        HttpBroker broker = httpBroker();
        List<Event> got = new CopyOnWriteArrayList<>();
        HttpSubscription s = (HttpSubscription) broker.subscribe("orders", got::add, SubscribeOptions.broadcast());
        String path = "/_sub?id=" + s.id();

        for (String bad : new String[] {"", "not json", "[1,2]", "{\"Header\":{\"a\":\"b\"}}",
            "{\"Header\":{\":topic\":\"orders\"},\"Body\":\"!!\"}", "{\"Header\":\"x\"}", "{\"Header\":{"}) {
            HttpResponse<String> r = post(broker.address(), path, bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            MicroException e = ErrorJson.parse(r.body());
            assertThat(e.id()).isEqualTo("go.micro.broker");
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.detail()).startsWith("malformed broker message: ");
        }

        // what a Go Micro publisher sends, byte for byte
        HttpResponse<String> ok = post(broker.address(), path,
                "{\"Header\":{\":topic\":\"orders\",\"Content-Type\":\"application/json\",\"Micro-Id\":\"7\"},"
                        + "\"Body\":\"eyJpZCI6N30=\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        assertThat(got).hasSize(1);
        assertThat(text(got.get(0))).isEqualTo("{\"id\":7}");
        assertThat(got.get(0).message().header().asMap()).containsOnly(Map.entry("Content-Type", "application/json"),
                Map.entry("Micro-Id", "7"));
    }

    @Test
    void otherMethodsPathsAndSubscriptionsAreRefused() throws Exception {
        HttpBroker broker = httpBroker();
        HttpSubscription s = (HttpSubscription) broker.subscribe("orders", e -> { }, SubscribeOptions.broadcast());
        String valid = "{\"Header\":{\":topic\":\"orders\"},\"Body\":\"\"}";

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://" + broker.address()
                + "/_sub?id=" + s.id())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(ErrorJson.parse(get.body()).code()).isEqualTo(405);

        assertThat(post(broker.address(), "/_sub?id=broker-unknown", valid).statusCode()).isEqualTo(404);
        assertThat(post(broker.address(), "/_sub", valid).statusCode()).isEqualTo(404);
        assertThat(post(broker.address(), "/", valid).statusCode()).isEqualTo(404);
        HttpResponse<String> otherTopic = post(broker.address(), "/_sub?id=" + s.id(),
                "{\"Header\":{\":topic\":\"payments\"},\"Body\":\"\"}");
        assertThat(otherTopic.statusCode()).isEqualTo(404);
        assertThat(ErrorJson.parse(otherTopic.body()).detail()).contains("orders", "payments");

        assertThat(post(broker.address(), "/_sub?x=1&id=" + s.id(), valid).statusCode()).isEqualTo(200);
    }

    @Test
    void aSubscriberThatThrowsIsAnsweredWithItsErrorsCodeAsStatusAndGoMicroErrorJson() throws Exception {
        HttpBroker broker = httpBroker();
        HttpSubscription plain = (HttpSubscription) broker.subscribe("a", e -> {
            throw new IllegalStateException("database down");
        }, SubscribeOptions.broadcast());
        HttpSubscription micro = (HttpSubscription) broker.subscribe("b", e -> {
            throw MicroException.badRequest("orders.audit", "cannot decode");
        }, SubscribeOptions.broadcast());

        HttpResponse<String> r = post(broker.address(), "/_sub?id=" + plain.id(),
                "{\"Header\":{\":topic\":\"a\"},\"Body\":\"\"}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"id\":\"go.micro.broker\",\"code\":500,"
                + "\"detail\":\"subscriber failed: database down\",\"status\":\"Internal Server Error\"}");

        HttpResponse<String> own = post(broker.address(), "/_sub?id=" + micro.id(),
                "{\"Header\":{\":topic\":\"b\"},\"Body\":\"\"}");
        assertThat(own.statusCode()).as("the status says what the error says").isEqualTo(400);
        assertThat(own.body()).isEqualTo("{\"id\":\"orders.audit\",\"code\":400,\"detail\":\"cannot decode\","
                + "\"status\":\"Bad Request\"}");
    }

    // ---- the wire, byte for byte ----

    @Test
    void aDeliveryIsGoMicrosPostToSubWithItsJsonBody() throws Exception {
        HttpBroker publisher = httpBroker();
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + peer.getLocalPort();
            registry.register(new Service("topic:wire", "ff.http.broadcast", Map.of(), List.of(), List.of(
                    new Node("broker-go-1", address, Map.of("secure", "false")))), Duration.ofMinutes(1));

            CompletableFuture<Void> published = publisher.publish("wire", new BrokerMessage(Metadata.of(
                    "Content-Type", "application/json", "Micro-Id", "1", "X-A", "<&>"),
                    "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));

            String body = "{\"Header\":{\":topic\":\"wire\",\"Content-Type\":\"application/json\",\"Micro-Id\":\"1\","
                    + "\"X-A\":\"\\u003c\\u0026\\u003e\"},\"Body\":\"eyJhIjoxfQ==\"}";
            try (Socket s = peer.accept()) {
                s.setSoTimeout(5000);
                String request = read(s.getInputStream(), body.length());
                assertThat(request).startsWith("POST /_sub?id=broker-go-1 HTTP/1.1\r\nHost: " + address + "\r\n")
                        .contains("\r\nContent-Type: application/json\r\n",
                                "\r\nContent-Length: " + body.length() + "\r\n")
                        .endsWith("\r\n\r\n" + body);
                assertThat(published).isNotDone(); // it waits for the subscriber's answer
                // Go Micro's subscriber answers 200 with an empty body
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(published).succeedsWithin(WAIT);
            }
        }
    }

    /** Reads a request head and a body of {@code bodyLength} bytes. */
    private static String read(InputStream in, int bodyLength) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int headEnd = -1;
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            String s = out.toString(StandardCharsets.UTF_8);
            if (headEnd < 0 && s.endsWith("\r\n\r\n")) {
                headEnd = s.length();
            }
            if (headEnd >= 0 && out.size() - headEnd >= bodyLength) {
                return s;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
