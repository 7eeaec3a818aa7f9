package io.microcdi.bench.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.kafka.KafkaBroker;
import io.microcdi.broker.kafka.KafkaBrokerConfig;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.kafka.KafkaServer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish+deliver throughput of MicroCDI's {@code kafka} broker against the raw Kafka client, on one Kafka broker in
 * one run, rounds alternating between the two.
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -jar bench/kafka/target/kafka-bench.jar [--bootstrap host:port] [--rounds 5] [--messages 200000]
 * }</pre>
 *
 * <ul>
 *   <li>The broker: {@link KafkaServer} (Kafka 4.3.1, KRaft, full JIT, 1 GiB heap) on a free loopback port, unless
 *       {@code --bootstrap} names a running one.</li>
 *   <li>Raw: a {@link KafkaProducer} ({@code acks=all}, idempotent: the broker's defaults) sends 128-byte values; a
 *       {@link KafkaConsumer} in group {@code g} polls, counts, and commits every 500 ms what it polled.</li>
 *   <li>MicroCDI: {@code KafkaBroker.publish} of a {@code BrokerMessage(Content-Type, 128-byte body)} (Go Micro's JSON
 *       envelope, the header also as a Kafka header); {@code KafkaBroker.subscribe(queue g)} handles each message on
 *       its partition's lane and commits every 500 ms what was handled.</li>
 *   <li>64 publishes in flight: a permit taken before each publish, given back by that message's delivery. A run
 *       publishes {@code --messages} or for 10 s, then waits for every delivery; msgs/s = deliveries / (first
 *       publish .. last delivery); p50/p99 are publish to delivery. Each run has a topic of its own (6 partitions,
 *       no key).</li>
 * </ul>
 */
public final class KafkaBench {

    private static final int BODY = 128;
    private static final int WINDOW = 64;
    private static final int PARTITIONS = 6;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(10);

    private KafkaBench() {
    }

    /** One run's figures. */
    record Run(long delivered, double msgsPerSecond, double p50Millis, double p99Millis) {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        int rounds = 5;
        int messages = 200_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        KafkaServer server = null;
        if (bootstrap == null) {
            server = KafkaServer.start(Map.of("num.partitions", String.valueOf(PARTITIONS)),
                    List.of("-Xms1g", "-Xmx1g"));
            bootstrap = server.bootstrapServers();
        }
        try {
            run(bootstrap, rounds, messages, server);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static void run(String bootstrap, int rounds, int messages, KafkaServer server) throws Exception {
        Runtime rt = Runtime.getRuntime();
        System.out.printf("# microcdi kafka bench, %s%n", Instant.now());
        System.out.printf("# machine: %d cpus, %s %s, java %s; loadavg before: %.2f%n", rt.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("# kafka: %s %s; kafka-clients %s; one JVM holds publisher and subscriber%n",
                server == null ? "running at" : "KafkaServer " + KafkaServer.VERSION + " (KRaft, -Xmx1g) at",
                bootstrap, org.apache.kafka.common.utils.AppInfoParser.getVersion());
        System.out.printf("# a run: up to %,d messages or %d s, %d in flight (a permit per publish, given back by "
                + "its delivery), body %d bytes, %d partitions; warm-up: one run of each; then %d rounds alternating "
                + "(R M, M R, ...); lines give medians%n", messages, RUN_LIMIT.toSeconds(), WINDOW, BODY, PARTITIONS,
                rounds);
        runRaw(bootstrap, messages);
        runMicro(bootstrap, messages);
        List<Run> raw = new ArrayList<>();
        List<Run> micro = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                raw.add(runRaw(bootstrap, messages));
                micro.add(runMicro(bootstrap, messages));
            } else {
                micro.add(runMicro(bootstrap, messages));
                raw.add(runRaw(bootstrap, messages));
            }
            System.err.printf("round %d: raw %.0f msgs/s, microcdi %.0f msgs/s%n", r + 1,
                    raw.get(r).msgsPerSecond(), micro.get(r).msgsPerSecond());
        }
        System.out.println("name msgs_per_s p50_ms p99_ms  # msgs/s per round");
        Run mr = median(raw);
        Run mm = median(micro);
        print("raw-kafka-c64", mr, raw);
        print("microcdi-kafka-c64", mm, micro);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            double q = micro.get(i).msgsPerSecond() / raw.get(i).msgsPerSecond();
            ratios.add(q);
            lo = Math.min(lo, q);
            hi = Math.max(hi, q);
        }
        ratios.sort(Double::compare);
        System.out.printf("ratio microcdi/raw kafka c64: msgs/s %.3f (medians; per round %.3f..%.3f, median %.3f)  "
                        + "p50 %.2f  p99 %.2f%n", mm.msgsPerSecond() / mr.msgsPerSecond(), lo, hi,
                ratios.get(ratios.size() / 2), mm.p50Millis() / mr.p50Millis(), mm.p99Millis() / mr.p99Millis());
        System.out.printf("# loadavg after: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void print(String name, Run m, List<Run> all) {
        StringBuilder per = new StringBuilder();
        for (Run r : all) {
            per.append(' ').append(Math.round(r.msgsPerSecond()));
        }
        System.out.printf("%s %.0f %.3f %.3f  #%s%n", name, m.msgsPerSecond(), m.p50Millis(), m.p99Millis(), per);
    }

    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(a.msgsPerSecond(), b.msgsPerSecond()));
        return sorted.get(sorted.size() / 2);
    }

    /** What one run measures: the window, the deliveries, the first publish and last delivery times. */
    private static final class Meter {
        final Semaphore window = new Semaphore(WINDOW);
        final AtomicLong delivered = new AtomicLong();
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
        volatile long lastDelivery;
        final long run = System.nanoTime();

        byte[] body() {
            byte[] b = new byte[BODY];
            ByteBuffer.wrap(b).putLong(run).putLong(System.nanoTime());
            return b;
        }

        /** A delivery of a body of this run. */
        void delivered(byte[] body) {
            ByteBuffer bb = ByteBuffer.wrap(body);
            if (bb.getLong() != run) {
                return; // an earlier run's
            }
            long now = System.nanoTime();
            synchronized (latency) {
                latency.recordValue(Math.max(0, now - bb.getLong()));
            }
            lastDelivery = now;
            delivered.incrementAndGet();
            window.release();
        }

        /** Publishes with {@code publish} until the limit, then waits for every delivery. */
        Run drive(int messages, Publish publish) throws InterruptedException {
            long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
            long start = System.nanoTime();
            int sent = 0;
            while (sent < messages && System.nanoTime() < deadline) {
                if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no delivery for 30 s after " + sent + " publishes");
                }
                publish.send(body(), window);
                sent++;
            }
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (delivered.get() < sent && System.nanoTime() < wait) {
                Thread.sleep(1);
            }
            if (delivered.get() < sent) {
                throw new IllegalStateException(sent - delivered.get() + " of " + sent + " not delivered");
            }
            double seconds = (lastDelivery - start) / 1e9;
            return new Run(sent, sent / seconds, latency.getValueAtPercentile(50) / 1e6,
                    latency.getValueAtPercentile(99) / 1e6);
        }
    }

    @FunctionalInterface
    private interface Publish {
        /** Sends {@code body}; gives a permit of {@code window} back when the send fails. */
        void send(byte[] body, Semaphore window);
    }

    private static String topic() {
        return "bench-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Run runRaw(String bootstrap, int messages) throws Exception {
        String topic = topic();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Meter meter = new Meter();
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic);
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch assigned = new CountDownLatch(1);
        Thread poller = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cc, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assigned.countDown();
                    }
                });
                long lastCommit = System.nanoTime();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        meter.delivered(r.value());
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    if (System.nanoTime() - lastCommit > TimeUnit.MILLISECONDS.toNanos(500) && !offsets.isEmpty()) {
                        c.commitAsync(new HashMap<>(offsets), null);
                        offsets.clear();
                        lastCommit = System.nanoTime();
                    }
                }
            }
        }, "raw-consumer");
        poller.start();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pc, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            if (!assigned.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raw consumer: no assignment");
            }
            return meter.drive(messages, (body, window) -> p.send(new ProducerRecord<>(topic, body), (m, e) -> {
                if (e != null) {
                    window.release();
                }
            }));
        } finally {
            stop.set(true);
            poller.join();
        }
    }

    private static Run runMicro(String bootstrap, int messages) throws Exception {
        String topic = topic();
        KafkaBrokerConfig config = KafkaBrokerConfig.from(MicroConfig.of(Map.of(
                KafkaBrokerConfig.BOOTSTRAP_SERVERS, bootstrap,
                KafkaBrokerConfig.TOPIC_PARTITIONS, String.valueOf(PARTITIONS))));
        Broker publisher = new KafkaBroker(config);
        Broker subscriber = new KafkaBroker(config);
        publisher.connect();
        subscriber.connect();
        Meter meter = new Meter();
        try {
            subscriber.subscribe(topic, e -> meter.delivered(e.message().body()), SubscribeOptions.queue("g-" + topic));
            Metadata header = Metadata.of("Content-Type", "application/octet-stream");
            return meter.drive(messages, (body, window) -> publisher.publish(topic, new BrokerMessage(header, body))
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            window.release();
                        }
                    }));
        } finally {
            subscriber.disconnect();
            publisher.disconnect();
        }
    }
}
