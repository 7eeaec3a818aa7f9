package io.microcdi.broker.kafka;

import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.config.MicroConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Settings of the {@code kafka} broker, read once from {@code micro.broker.kafka.*} and the concern-wide
 * {@code micro.broker.*} delivery keys; a bad value fails at start, naming its key and what it may be.
 *
 * <pre>{@code
 * micro.broker=kafka
 * micro.broker.kafka.bootstrap-servers=10.0.0.1:9092,10.0.0.2:9092
 * micro.broker.kafka.topic.partitions=12
 * micro.broker.kafka.producer.linger.ms=10        # any other client property, passed on as it is
 * }</pre>
 *
 * <p>The typed keys become Kafka client properties ({@link #producerProperties()}, {@link #consumerProperties},
 * {@link #adminProperties()}); the pass-through keys {@code micro.broker.kafka.client.<property>} (every client),
 * {@code .producer.<property>}, {@code .consumer.<property>} and {@code .admin.<property>} are applied after them, so
 * they win. A pass-through property Kafka does not know, or one the broker must own (serializers, the group id, auto
 * commit), fails at start.
 *
 * @param bootstrapServers   {@code host:port} of some brokers of the cluster
 * @param clientId           the client id prefix the brokers see, or {@code null} for Kafka's own
 * @param security           the security protocol, SASL and TLS settings as client properties (may be empty)
 * @param acks               when the cluster acknowledges a publish: {@code all}, {@code 1} or {@code 0}
 * @param idempotence        whether the producer is idempotent (no duplicates from its own retries)
 * @param autoOffsetReset    where a new group starts: {@code latest} or {@code earliest}
 * @param maxPollRecords     records one poll returns at most; also how many one partition may hold waiting
 *                           before it is paused
 * @param maxPollInterval    the longest the client may go without polling before the group drops it
 * @param sessionTimeout     how long the group waits for a silent member before its partitions move
 * @param heartbeatInterval  how often a member tells the group it is alive
 * @param pollTimeout        how long one poll waits for records
 * @param commitInterval     how often handled offsets are committed ({@code 0}: after each poll)
 * @param autoCreateTopics   whether a missing topic is created on first publish or subscribe
 * @param partitions         partitions of a topic the broker creates, {@code -1} for the cluster's default
 * @param replicationFactor  replicas of a topic the broker creates, {@code -1} for the cluster's default
 * @param retryBackoff       the pause before the first retry of a failed delivery; doubles each time
 * @param retryBackoffMax    the longest pause between retries
 * @param deadLetterTopic    the template of the dead-letter topic, {@code {topic}} standing for the topic
 * @param drainTimeout       how long an unsubscribe, a disconnect or a revoked partition waits for the deliveries
 *                           in hand before it lets them go uncommitted
 * @param wire               what a record holds: {@code json} (Go Micro's envelope) or {@code headers}
 * @param passThrough        the pass-through properties: {@code client}, {@code producer}, {@code consumer},
 *                           {@code admin} to their properties
 * @param delivery           the concern-wide delivery settings ({@code micro.broker.*})
 */
public record KafkaBrokerConfig(String bootstrapServers, String clientId, Map<String, String> security, String acks,
                                boolean idempotence, String autoOffsetReset, int maxPollRecords,
                                Duration maxPollInterval, Duration sessionTimeout, Duration heartbeatInterval,
                                Duration pollTimeout, Duration commitInterval, boolean autoCreateTopics,
                                int partitions, int replicationFactor, Duration retryBackoff,
                                Duration retryBackoffMax, String deadLetterTopic, Duration drainTimeout, Wire wire,
                                Map<String, Map<String, String>> passThrough, DeliveryConfig delivery) {

    public static final String BOOTSTRAP_SERVERS = "micro.broker.kafka.bootstrap-servers";
    public static final String CLIENT_ID = "micro.broker.kafka.client-id";
    public static final String SECURITY_PROTOCOL = "micro.broker.kafka.security-protocol";
    public static final String SASL_MECHANISM = "micro.broker.kafka.sasl.mechanism";
    public static final String SASL_USERNAME = "micro.broker.kafka.sasl.username";
    public static final String SASL_PASSWORD = "micro.broker.kafka.sasl.password";
    public static final String SASL_JAAS_CONFIG = "micro.broker.kafka.sasl.jaas-config";
    public static final String TLS_CA = "micro.broker.kafka.tls.ca";
    public static final String TLS_CERT = "micro.broker.kafka.tls.cert";
    public static final String TLS_KEY = "micro.broker.kafka.tls.key";
    public static final String TLS_KEY_PASSWORD = "micro.broker.kafka.tls.key-password";
    public static final String ACKS = "micro.broker.kafka.acks";
    public static final String IDEMPOTENCE = "micro.broker.kafka.idempotence";
    public static final String AUTO_OFFSET_RESET = "micro.broker.kafka.auto-offset-reset";
    public static final String MAX_POLL_RECORDS = "micro.broker.kafka.max-poll-records";
    public static final String MAX_POLL_INTERVAL = "micro.broker.kafka.max-poll-interval";
    public static final String SESSION_TIMEOUT = "micro.broker.kafka.session-timeout";
    public static final String HEARTBEAT_INTERVAL = "micro.broker.kafka.heartbeat-interval";
    public static final String POLL_TIMEOUT = "micro.broker.kafka.poll-timeout";
    public static final String COMMIT_INTERVAL = "micro.broker.kafka.commit-interval";
    public static final String TOPIC_AUTO_CREATE = "micro.broker.kafka.topic.auto-create";
    public static final String TOPIC_PARTITIONS = "micro.broker.kafka.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "micro.broker.kafka.topic.replication-factor";
    public static final String RETRY_BACKOFF = "micro.broker.kafka.retry-backoff";
    public static final String RETRY_BACKOFF_MAX = "micro.broker.kafka.retry-backoff-max";
    public static final String DEAD_LETTER_TOPIC = "micro.broker.kafka.dead-letter-topic";
    public static final String DRAIN_TIMEOUT = "micro.broker.kafka.drain-timeout";
    public static final String WIRE = "micro.broker.kafka.wire";
    /** Pass-through keys: a property of every client, of the producer, of the consumers, of the admin client. */
    public static final String CLIENT_PROPERTY = "micro.broker.kafka.client.<property>";
    public static final String PRODUCER_PROPERTY = "micro.broker.kafka.producer.<property>";
    public static final String CONSUMER_PROPERTY = "micro.broker.kafka.consumer.<property>";
    public static final String ADMIN_PROPERTY = "micro.broker.kafka.admin.<property>";
    /** What comes before {@code <property>} in each. */
    public static final String CLIENT_PREFIX = prefix(CLIENT_PROPERTY);
    public static final String PRODUCER_PREFIX = prefix(PRODUCER_PROPERTY);
    public static final String CONSUMER_PREFIX = prefix(CONSUMER_PROPERTY);
    public static final String ADMIN_PREFIX = prefix(ADMIN_PROPERTY);

    /** Kafka's default listener on this host. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    /** Partitions of a topic the broker creates: a queue group shares a topic among up to this many members. */
    public static final int DEFAULT_PARTITIONS = 6;
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "dead.{topic}";

    /** What one Kafka record of a message holds. */
    public enum Wire {
        /**
         * The value is Go Micro's broker message JSON, {@code {"Header":{...},"Body":"<base64>"}}, as Go Micro's
         * {@code broker/kafka} writes and reads it; the headers are copied into Kafka headers too, for Kafka tools.
         */
        JSON,
        /** The value is the body as it is, the headers are Kafka headers (for Kafka-native producers and consumers). */
        HEADERS
    }

    /** Lower case: {@link MicroConfig#oneOf} compares so; Kafka's names are their upper case. */
    private static final List<String> PROTOCOLS = List.of("plaintext", "ssl", "sasl_plaintext", "sasl_ssl");
    private static final List<String> MECHANISMS = List.of("plain", "scram-sha-256", "scram-sha-512", "oauthbearer",
            "gssapi");
    /** Client properties the broker sets itself: a pass-through of one would break delivery or decoding. */
    private static final Set<String> OWNED = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    public KafkaBrokerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        security = Map.copyOf(security);
        Objects.requireNonNull(wire, "wire");
        Map<String, Map<String, String>> copy = new HashMap<>();
        passThrough.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        passThrough = Map.copyOf(copy);
        Objects.requireNonNull(delivery, "delivery");
    }

    /** Brokers at {@code bootstrapServers} (comma-separated {@code host:port}), defaults otherwise. */
    public static KafkaBrokerConfig of(String bootstrapServers) {
        return from(MicroConfig.of(Map.of(BOOTSTRAP_SERVERS, bootstrapServers)));
    }

    /**
     * Reads the settings.
     *
     * @throws io.microcdi.config.ConfigException naming the key of a bad value
     */
    public static KafkaBrokerConfig from(MicroConfig c) {
        String acks = c.oneOf(ACKS, "all", List.of("all", "1", "0", "-1"));
        acks = acks.equals("-1") ? "all" : acks;
        boolean idempotence = c.bool(IDEMPOTENCE, acks.equals("all"));
        if (idempotence && !acks.equals("all")) {
            throw MicroConfig.invalid(IDEMPOTENCE, "true", "false with " + ACKS + "=" + acks
                    + " (an idempotent producer needs acks=all)");
        }
        Duration session = positive(c, SESSION_TIMEOUT, Duration.ofSeconds(45));
        Duration heartbeat = positive(c, HEARTBEAT_INTERVAL, Duration.ofSeconds(3));
        if (heartbeat.compareTo(session) >= 0) {
            throw MicroConfig.invalid(HEARTBEAT_INTERVAL, c.get(HEARTBEAT_INTERVAL, heartbeat.toString()),
                    "less than " + SESSION_TIMEOUT + " (" + session.toMillis() + " ms), a third of it or less");
        }
        Duration maxPollInterval = positive(c, MAX_POLL_INTERVAL, Duration.ofMinutes(5));
        Duration drain = positive(c, DRAIN_TIMEOUT, Duration.ofSeconds(10));
        if (drain.compareTo(maxPollInterval) >= 0) {
            // a revoked partition's drain runs inside poll(): longer, and the group drops this member meanwhile
            throw MicroConfig.invalid(DRAIN_TIMEOUT, c.get(DRAIN_TIMEOUT, drain.toString()),
                    "less than " + MAX_POLL_INTERVAL + " (" + maxPollInterval.toMillis() + " ms)");
        }
        Duration backoff = positive(c, RETRY_BACKOFF, Duration.ofMillis(100));
        Duration backoffMax = positive(c, RETRY_BACKOFF_MAX, Duration.ofSeconds(5));
        if (backoffMax.compareTo(backoff) < 0) {
            throw MicroConfig.invalid(RETRY_BACKOFF_MAX, c.get(RETRY_BACKOFF_MAX, backoffMax.toString()),
                    "at least " + RETRY_BACKOFF + " (" + backoff.toMillis() + " ms)");
        }
        return new KafkaBrokerConfig(servers(c.get(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS)),
                c.get(CLIENT_ID).filter(s -> !s.isBlank()).orElse(null),
                security(c), acks, idempotence,
                c.oneOf(AUTO_OFFSET_RESET, "latest", List.of("latest", "earliest")),
                c.integer(MAX_POLL_RECORDS, 500, 1, 100_000),
                maxPollInterval, session, heartbeat,
                positive(c, POLL_TIMEOUT, Duration.ofMillis(100)),
                c.duration(COMMIT_INTERVAL, Duration.ofMillis(500)),
                c.bool(TOPIC_AUTO_CREATE, true),
                signedCount(c, TOPIC_PARTITIONS, DEFAULT_PARTITIONS, 10_000),
                signedCount(c, TOPIC_REPLICATION_FACTOR, -1, 100),
                backoff, backoffMax,
                deadLetterTopic(c.get(DEAD_LETTER_TOPIC, DEFAULT_DEAD_LETTER_TOPIC)),
                drain,
                Wire.valueOf(c.oneOf(WIRE, "json", List.of("json", "headers")).toUpperCase(Locale.ROOT)),
                passThrough(c),
                DeliveryConfig.from(c)).checked();
    }

    /**
     * Has Kafka's own config classes check the properties, so that a value Kafka refuses (a pass-through property's,
     * say) fails at start naming its key.
     */
    private KafkaBrokerConfig checked() {
        try {
            Map<String, Object> producer = producerProperties();
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            new ProducerConfig(producer);
            Map<String, Object> consumer = consumerProperties("check", "check");
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            new ConsumerConfig(consumer);
            new AdminClientConfig(adminProperties());
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw invalid(e);
        }
        return this;
    }

    /** Kafka's refusal of a property, as the refusal of the key that set it. */
    IllegalArgumentException invalid(org.apache.kafka.common.config.ConfigException e) {
        String message = String.valueOf(e.getMessage());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("configuration ([a-z0-9._-]+)").matcher(message);
        String property = m.find() ? m.group(1) : null;
        for (String kind : List.of("producer", "consumer", "admin", "client")) {
            String value = property == null ? null : passThrough.get(kind).get(property);
            if (value != null) {
                return MicroConfig.invalid(prefixOf(kind) + property, value,
                        "a value Kafka accepts: " + message);
            }
        }
        return MicroConfig.invalid("micro.broker.kafka.*", property == null ? "?" : property,
                "a setting Kafka accepts: " + message);
    }

    private static String prefix(String passThroughKey) {
        return passThroughKey.substring(0, passThroughKey.indexOf('<'));
    }

    private static String prefixOf(String kind) {
        return switch (kind) {
            case "producer" -> PRODUCER_PREFIX;
            case "consumer" -> CONSUMER_PREFIX;
            case "admin" -> ADMIN_PREFIX;
            default -> CLIENT_PREFIX;
        };
    }

    /** The dead-letter topic of {@code topic}. */
    public String deadLetterTopicOf(String topic) {
        return deadLetterTopic.replace("{topic}", topic);
    }

    /** The producer's properties: connection, security, acks, idempotence, then the pass-through. */
    public Map<String, Object> producerProperties() {
        Map<String, Object> p = common();
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotence);
        // a publish fails within the publish timeout, whatever the producer's own retries would do
        int timeout = (int) Math.min(Integer.MAX_VALUE, delivery.publishTimeout().toMillis());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeout, 1_000));
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeout / 2, 1));
        if (clientId != null) {
            p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        }
        p.putAll(passThrough.get("client"));
        p.putAll(passThrough.get("producer"));
        return p;
    }

    /** The properties of a consumer of {@code group}: no auto commit, the poll settings, then the pass-through. */
    public Map<String, Object> consumerProperties(String group, String clientSuffix) {
        Map<String, Object> p = common();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, millis(maxPollInterval));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, millis(sessionTimeout));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, millis(heartbeatInterval));
        if (clientId != null) {
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + clientSuffix);
        }
        p.putAll(passThrough.get("client"));
        p.putAll(passThrough.get("consumer"));
        return p;
    }

    /** The admin client's properties (topic creation). */
    public Map<String, Object> adminProperties() {
        Map<String, Object> p = common();
        int timeout = millis(delivery.publishTimeout());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeout / 2, 1));
        if (clientId != null) {
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        }
        p.putAll(passThrough.get("client"));
        p.putAll(passThrough.get("admin"));
        return p;
    }

    private Map<String, Object> common() {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putAll(security);
        return p;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static Duration positive(MicroConfig c, String key, Duration fallback) {
        Duration d = c.duration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            throw MicroConfig.invalid(key, c.get(key, ""), "a duration above zero, such as 500ms or 10s");
        }
        return d;
    }

    /** A count of at least 1, or -1 for the cluster's default. */
    private static int signedCount(MicroConfig c, String key, int fallback, int max) {
        int n = c.integer(key, fallback, -1, max);
        if (n == 0) {
            throw MicroConfig.invalid(key, "0", "1 to " + max + ", or -1 for the cluster's default");
        }
        return n;
    }

    private static String servers(String raw) {
        StringBuilder out = new StringBuilder();
        for (String part : raw.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            boolean ok = colon > 0 && colon < s.length() - 1 && !s.contains("://") && !s.contains("/");
            if (ok) {
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    ok = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw MicroConfig.invalid(BOOTSTRAP_SERVERS, raw, "comma-separated host:port; " + s + " is not one");
            }
            out.append(out.length() == 0 ? "" : ",").append(s);
        }
        if (out.length() == 0) {
            throw MicroConfig.invalid(BOOTSTRAP_SERVERS, raw, "at least one host:port");
        }
        return out.toString();
    }

    private static String deadLetterTopic(String template) {
        String sample = template.replace("{topic}", "t");
        if (!template.contains("{topic}") || !sample.matches("[A-Za-z0-9._-]+") || sample.length() > 200) {
            throw MicroConfig.invalid(DEAD_LETTER_TOPIC, template, "a topic name holding {topic}, such as "
                    + DEFAULT_DEAD_LETTER_TOPIC + " or {topic}.dlq (letters, digits, . _ -)");
        }
        return template;
    }

    /** The security protocol, SASL and TLS keys as client properties. */
    private static Map<String, String> security(MicroConfig c) {
        Map<String, String> p = new TreeMap<>();
        Path ca = file(c, TLS_CA);
        Path cert = file(c, TLS_CERT);
        Path key = file(c, TLS_KEY);
        if ((cert == null) != (key == null)) {
            String set = cert != null ? TLS_CERT : TLS_KEY;
            throw MicroConfig.invalid(set, c.get(set, ""), "set together with " + (cert != null ? TLS_KEY : TLS_CERT));
        }
        String user = c.get(SASL_USERNAME).orElse(null);
        String password = c.get(SASL_PASSWORD).orElse(null);
        String jaas = c.get(SASL_JAAS_CONFIG).orElse(null);
        if ((user == null) != (password == null)) {
            String set = user != null ? SASL_USERNAME : SASL_PASSWORD;
            throw MicroConfig.invalid(set, user != null ? user : "(hidden)",
                    "set together with " + (user != null ? SASL_PASSWORD : SASL_USERNAME));
        }
        if (user != null && jaas != null) {
            throw MicroConfig.invalid(SASL_JAAS_CONFIG, "(hidden)", "either it or " + SASL_USERNAME + "/"
                    + SASL_PASSWORD + ", not both");
        }
        boolean tls = ca != null || cert != null;
        boolean sasl = user != null || jaas != null || c.get(SASL_MECHANISM).isPresent();
        String fallback = sasl ? tls ? "SASL_SSL" : "SASL_PLAINTEXT" : tls ? "SSL" : "PLAINTEXT";
        String protocol = c.oneOf(SECURITY_PROTOCOL, fallback, PROTOCOLS).toUpperCase(Locale.ROOT);
        if (sasl && !protocol.startsWith("SASL_")) {
            throw MicroConfig.invalid(SECURITY_PROTOCOL, protocol, "SASL_PLAINTEXT or SASL_SSL with the "
                    + "micro.broker.kafka.sasl.* keys set");
        }
        if (tls && !protocol.endsWith("SSL")) {
            throw MicroConfig.invalid(SECURITY_PROTOCOL, protocol, "SSL or SASL_SSL with the micro.broker.kafka.tls.* "
                    + "keys set");
        }
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = c.oneOf(SASL_MECHANISM, "plain", MECHANISMS).toUpperCase(Locale.ROOT);
            p.put("sasl.mechanism", mechanism);
            if (user != null) {
                if (!mechanism.equals("PLAIN") && !mechanism.startsWith("SCRAM-")) {
                    throw MicroConfig.invalid(SASL_MECHANISM, mechanism, "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with "
                            + SASL_USERNAME + " (else " + SASL_JAAS_CONFIG + ")");
                }
                String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
                p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(user) + "\" password=\""
                        + jaasEscape(password) + "\";");
            } else if (jaas != null) {
                p.put("sasl.jaas.config", jaas);
            }
        }
        if (ca != null) {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.certificates", read(TLS_CA, ca));
        }
        if (cert != null) {
            p.put("ssl.keystore.type", "PEM");
            p.put("ssl.keystore.certificate.chain", read(TLS_CERT, cert));
            p.put("ssl.keystore.key", read(TLS_KEY, key));
            c.get(TLS_KEY_PASSWORD).ifPresent(pw -> p.put("ssl.key.password", pw));
        }
        return p;
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static Path file(MicroConfig c, String key) {
        String value = c.get(key).orElse(null);
        if (value == null) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p) || Files.isDirectory(p)) {
            throw MicroConfig.invalid(key, value, "a readable PEM file");
        }
        return p;
    }

    private static String read(String key, Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException | UncheckedIOException e) {
            throw MicroConfig.invalid(key, p.toString(), "a readable PEM file (" + e.getMessage() + ")");
        }
    }

    /** The pass-through keys, checked against what each Kafka client knows. */
    private static Map<String, Map<String, String>> passThrough(MicroConfig c) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String kind : List.of("client", "producer", "consumer", "admin")) {
            out.put(kind, new TreeMap<>());
        }
        for (String name : c.names()) {
            String kind = name.startsWith(CLIENT_PREFIX) ? "client" : name.startsWith(PRODUCER_PREFIX) ? "producer"
                    : name.startsWith(CONSUMER_PREFIX) ? "consumer" : name.startsWith(ADMIN_PREFIX) ? "admin" : null;
            if (kind == null) {
                continue;
            }
            String property = name.substring(prefixOf(kind).length());
            Set<String> known = switch (kind) {
                case "producer" -> ProducerConfig.configNames();
                case "consumer" -> ConsumerConfig.configNames();
                case "admin" -> AdminClientConfig.configNames();
                default -> null;
            };
            boolean isKnown = known != null ? known.contains(property)
                    : ProducerConfig.configNames().contains(property) || ConsumerConfig.configNames().contains(property)
                    || AdminClientConfig.configNames().contains(property);
            if (!isKnown) {
                throw MicroConfig.invalid(name, c.get(name, ""), "a property of Kafka's " + (known == null
                        ? "clients" : kind) + " after the prefix, such as " + example(kind) + "; " + property
                        + " is none");
            }
            if (OWNED.contains(property)) {
                throw MicroConfig.invalid(name, c.get(name, ""), "not set: the broker sets " + property
                        + " itself (owned: " + new java.util.TreeSet<>(OWNED) + ")");
            }
            out.get(kind).put(property, c.get(name, ""));
        }
        return out;
    }

    private static String example(String kind) {
        return switch (kind) {
            case "producer" -> PRODUCER_PREFIX + "linger.ms";
            case "consumer" -> CONSUMER_PREFIX + "fetch.min.bytes";
            case "admin" -> ADMIN_PREFIX + "retries";
            default -> CLIENT_PREFIX + "reconnect.backoff.ms";
        };
    }

    @Override
    public String toString() {
        // never a password, a key or a JAAS line
        return "KafkaBrokerConfig[bootstrapServers=" + bootstrapServers + ", clientId=" + clientId + ", security="
                + security.get("security.protocol") + ", acks=" + acks + ", idempotence=" + idempotence
                + ", autoOffsetReset=" + autoOffsetReset + ", partitions=" + partitions + ", replicationFactor="
                + replicationFactor + ", deadLetterTopic=" + deadLetterTopic + ", wire=" + wire + ", delivery="
                + delivery + "]";
    }
}
