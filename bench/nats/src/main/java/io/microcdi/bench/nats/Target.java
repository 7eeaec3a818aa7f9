package io.microcdi.bench.nats;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.broker.nats.NatsBroker;
import io.microcdi.broker.nats.NatsBrokerConfig;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One side of the comparison: a publisher and one subscriber (a queue group member, group {@code g}) on their own
 * connections to the same server, in this JVM. A delivery gives its window's permit back.
 *
 * <pre>{@code
 * try (Target t = Target.create("raw", Mode.CORE, url, "bench.raw.core.42")) {
 *     t.begin(window);
 *     window.run(t, 128, 30_000);
 * }
 * }</pre>
 */
abstract class Target implements AutoCloseable {

    /** Core NATS, or JetStream with one replica on file storage. */
    enum Mode {
        CORE("core", "core NATS"),
        JS("js", "JetStream R1 file storage");

        final String id;
        final String label;

        Mode(String id, String label) {
            this.id = id;
            this.label = label;
        }

        static Mode of(String id) {
            for (Mode m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode " + id + " (core, js)");
        }
    }

    /**
     * jnats' pull {@code consume}, raw side, as the MicroCDI broker pulls (its {@code JetStreamSubscription}): batches of
     * 64, each pull expiring after 2 s. So the two sides differ by the framework, not by a pull setting.
     */
    static final ConsumeOptions CONSUME = ConsumeOptions.builder().batchSize(64).expiresIn(2_000).build();

    final String name;
    final Mode mode;
    final String subject;
    private volatile Window current;

    Target(String name, Mode mode, String subject) {
        this.name = name;
        this.mode = mode;
        this.subject = subject;
    }

    /**
     * A target by name: {@code raw}, {@code microcdi}, or raw jnats with a piece of what the broker adds, to tell where
     * its time goes: {@code raw+json} (Go Micro's JSON envelope encoded per publish and decoded per delivery, as the
     * broker does), {@code raw+hop} (each delivery handed to a subscriber worker, the executor the broker uses:
     * {@code HandlerExecutors.create(.., 64, true)}; JetStream: acknowledged there), {@code raw+json+hop} (both);
     * {@code +hopN} hands over to a fixed pool of N platform threads instead; {@code +msgid} (JetStream) publishes
     * with a random {@code Nats-Msg-Id} header per message, as the broker does for a message without a
     * {@code Micro-Id} (the server then tracks every id for its duplicate window).
     */
    static Target create(String name, Mode mode, String url, String subject) throws Exception {
        if (name.equals("microcdi")) {
            return new MicroCdi(mode, url, subject);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("raw(\\+json)?(\\+msgid)?(\\+hop([0-9]*))?")
                .matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown target " + name
                    + " (raw, microcdi, or raw with +json, +msgid (js only), +hop or +hopN, in that order)");
        }
        boolean json = m.group(1) != null;
        boolean msgId = m.group(2) != null;
        int hop = m.group(3) == null ? -1 : m.group(4).isEmpty() ? 0 : Integer.parseInt(m.group(4));
        if (msgId && mode != Mode.JS) {
            throw new IllegalArgumentException(name + ": +msgid is for JetStream (--modes js)");
        }
        return mode == Mode.CORE ? new RawCore(name, url, subject, json, hop)
                : new RawJetStream(name, url, subject, json, msgId, hop);
    }

    /** From now on deliveries count for {@code w}. */
    final void begin(Window w) {
        current = w;
    }

    final void deliver(byte[] body) {
        Window w = current;
        if (w != null) {
            w.delivered(body);
        }
    }

    /** Publishes {@code body}; a failure is reported to {@code w}, now or when the publish completes. */
    abstract void publish(byte[] body, Window w);

    /** The bytes of the NATS payload for a body of {@code bodyBytes}. */
    abstract int payloadBytes(int bodyBytes);

    abstract String describe();

    @Override
    public abstract void close();

    /** Reports the failure of {@code f} to {@code w}, without a callback when it is complete already. */
    static void watch(CompletableFuture<?> f, Window w) {
        if (f.isDone()) {
            if (f.isCompletedExceptionally()) {
                f.whenComplete((ok, e) -> w.failed(e));
            }
        } else {
            f.whenComplete((ok, e) -> {
                if (e != null) {
                    w.failed(e);
                }
            });
        }
    }

    static Connection connect(String url, String name) throws IOException, InterruptedException {
        return Nats.connect(Options.builder().server(url).connectionName(name).build());
    }

    /**
     * What the raw targets share: the optional JSON envelope and the optional hop to a worker. The payload of a body,
     * and the delivery of a payload, {@code after} (the JetStream ack) once it is counted.
     */
    abstract static class Raw extends Target {
        private final boolean json;
        private final ExecutorService hop;

        private final int hopThreads;

        /** {@code hop}: -1 none, 0 the broker's executor, N a fixed pool of N threads. */
        Raw(String name, Mode mode, String subject, boolean json, int hop) {
            super(name, mode, subject);
            this.json = json;
            this.hopThreads = hop;
            this.hop = hop < 0 ? null : hop == 0
                    ? HandlerExecutors.create("bench-hop", DeliveryConfig.DEFAULT_HANDLER_THREADS, true)
                    : Executors.newFixedThreadPool(hop, HandlerExecutors.daemonThreads("bench-hop" + hop));
        }

        final byte[] payload(byte[] body) {
            // as the broker would: a message with its header per publish, encoded
            return json ? BrokerJson.encode(new BrokerMessage(Metadata.of("Content-Type", "application/octet-stream"),
                    body), null, null) : body;
        }

        final void received(byte[] payload, Runnable after) {
            if (hop == null) {
                receivedHere(payload, after);
            } else {
                hop.execute(() -> receivedHere(payload, after));
            }
        }

        private void receivedHere(byte[] payload, Runnable after) {
            byte[] body = payload;
            if (json) {
                try {
                    body = BrokerJson.decode(payload, null).message().body();
                } catch (BrokerJson.MalformedException e) {
                    throw new IllegalStateException(e);
                }
            }
            deliver(body);
            if (after != null) {
                after.run();
            }
        }

        @Override
        final int payloadBytes(int bodyBytes) {
            return payload(new byte[bodyBytes]).length;
        }

        final String extras() {
            return (json ? "; Go Micro JSON envelope encoded per publish, decoded per delivery" : "")
                    + (hop == null ? "" : "; each delivery handed to " + (hopThreads > 0
                    ? "a fixed pool of " + hopThreads + " threads" : "HandlerExecutors.create(\"bench-hop\", 64, true)"
                    + (HandlerExecutors.virtualThreadsAvailable() ? " (virtual threads)" : " (a pool of 64 threads)"))
                    + (mode == Mode.JS ? ", acknowledged there" : ""));
        }

        void stopHop() {
            if (hop != null) {
                hop.shutdown();
            }
        }
    }

    /** Raw jnats, core: {@code publish}, a queue subscription on a {@link Dispatcher}. */
    static final class RawCore extends Raw {
        private final Connection pub;
        private final Connection sub;

        RawCore(String name, String url, String subject, boolean json, int hop) throws Exception {
            super(name, Mode.CORE, subject, json, hop);
            pub = connect(url, "bench-" + name + "-pub");
            sub = connect(url, "bench-" + name + "-sub");
            Dispatcher d = sub.createDispatcher(msg -> received(msg.getData(), null));
            d.subscribe(subject, "g");
            sub.flush(Duration.ofSeconds(5)); // the server has the subscription before anything is published
        }

        @Override
        void publish(byte[] body, Window w) {
            try {
                pub.publish(subject, payload(body));
            } catch (RuntimeException e) {
                w.failed(e);
            }
        }

        @Override
        String describe() {
            return "jnats Connection.publish; Dispatcher queue subscription (group g); two connections" + extras();
        }

        @Override
        public void close() {
            closeQuietly(pub);
            closeQuietly(sub);
            stopHop();
        }
    }

    /**
     * Raw jnats, JetStream: a stream of the subject (R1, file, as the broker makes them), {@code publishAsync}, a
     * durable consumer {@code g} with explicit acks pulled by {@code consume}, each message acknowledged after its
     * delivery is counted.
     */
    static final class RawJetStream extends Raw {
        private final Connection pub;
        private final Connection sub;
        private final JetStream js;
        private final JetStreamManagement jsm;
        private final String stream;
        private final MessageConsumer consumer;

        private final boolean msgId;

        RawJetStream(String name, String url, String subject, boolean json, boolean msgId, int hop)
                throws Exception {
            super(name, Mode.JS, subject, json, hop);
            this.msgId = msgId;
            pub = connect(url, "bench-" + name + "-pub");
            sub = connect(url, "bench-" + name + "-sub");
            js = pub.jetStream();
            jsm = pub.jetStreamManagement();
            stream = "RAWBENCH_" + subject.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_");
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                    .storageType(StorageType.File).replicas(1).maxAge(Duration.ofDays(1)).build());
            ConsumerConfiguration cc = ConsumerConfiguration.builder()
                    .durable("g").ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofSeconds(30))
                    .filterSubject(subject).deliverPolicy(DeliverPolicy.All).maxDeliver(-1).build();
            consumer = sub.getStreamContext(stream).createOrUpdateConsumer(cc).consume(CONSUME,
                    msg -> received(msg.getData(), msg::ack));
        }

        @Override
        void publish(byte[] body, Window w) {
            try {
                watch(msgId ? js.publishAsync(subject, new Headers().put("Nats-Msg-Id", UUID.randomUUID().toString()),
                        payload(body)) : js.publishAsync(subject, payload(body)), w);
            } catch (RuntimeException e) {
                w.failed(e);
            }
        }

        @Override
        String describe() {
            return "jnats JetStream.publishAsync; durable pull consumer (g, explicit ack, consume batch 64), "
                    + "ack after the delivery; two connections" + (msgId ? "; a random Nats-Msg-Id per publish" : "")
                    + extras();
        }

        @Override
        public void close() {
            consumer.stop();
            closeQuietly(sub); // ends the pull in progress, before its consumer goes with the stream
            try {
                jsm.deleteStream(stream);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                System.err.println("[nats-bench] deleting stream " + stream + ": " + e);
            }
            closeQuietly(pub);
            stopHop();
        }
    }

    /**
     * MicroCDI's {@link NatsBroker}: one broker publishes, another (as another service would) subscribes in queue
     * group {@code g}; the body travels in Go Micro's JSON envelope.
     */
    static final class MicroCdi extends Target {
        private static final Metadata SAMPLE_HEADER = Metadata.of("Content-Type", "application/octet-stream");
        private final String url;
        private final NatsBroker pub;
        private final NatsBroker sub;

        MicroCdi(Mode mode, String url, String subject) {
            super("microcdi", mode, subject);
            this.url = url;
            pub = new NatsBroker(config(mode, url, "bench-microcdi-pub"));
            sub = new NatsBroker(config(mode, url, "bench-microcdi-sub"));
            pub.connect();
            sub.connect();
            sub.subscribe(subject, e -> deliver(e.message().body()), SubscribeOptions.queue("g"));
        }

        /**
         * {@code NatsBrokerConfig.of(url)} or {@code .jetStream(url, 1)}, plus a connection name, so that the jnats
         * threads of each broker show up under a name of their own in the CPU figures.
         */
        private static NatsBrokerConfig config(Mode mode, String url, String connectionName) {
            Map<String, String> keys = new HashMap<>(Map.of(NatsBrokerConfig.SERVERS, url,
                    NatsBrokerConfig.CONNECTION_NAME, connectionName));
            if (mode == Mode.JS) {
                keys.put(NatsBrokerConfig.JETSTREAM, "true");
                keys.put(NatsBrokerConfig.JETSTREAM_REPLICAS, "1");
            }
            return NatsBrokerConfig.from(MicroConfig.of(keys));
        }

        @Override
        void publish(byte[] body, Window w) {
            try {
                // as an application publishes: a message with its header per publish
                watch(pub.publish(subject, new BrokerMessage(Metadata.of("Content-Type", "application/octet-stream"),
                        body)), w);
            } catch (RuntimeException e) {
                w.failed(e);
            }
        }

        @Override
        int payloadBytes(int bodyBytes) {
            return BrokerJson.encode(new BrokerMessage(SAMPLE_HEADER, new byte[bodyBytes]), null, null).length;
        }

        @Override
        String describe() {
            return "NatsBroker.publish (Go Micro JSON envelope, Content-Type header); NatsBroker.subscribe "
                    + "(queue g, auto-ack" + (mode == Mode.JS ? ", JetStream durable consumer" : "")
                    + "); two brokers (two connections)";
        }

        @Override
        public void close() {
            pub.disconnect();
            sub.disconnect();
            if (mode == Mode.JS) { // the broker's stream, when the server is not ours
                Connection c = null;
                try {
                    c = connect(url, "bench-cleanup");
                    JetStreamManagement jsm = c.jetStreamManagement();
                    for (String s : jsm.getStreamNames(subject)) {
                        jsm.deleteStream(s);
                    }
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    System.err.println("[nats-bench] deleting the broker's stream of " + subject + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (c != null) {
                        closeQuietly(c);
                    }
                }
            }
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
