package io.microcdi.broker.nats;

import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.config.MicroConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the {@code nats} broker, read once from {@code micro.broker.nats.*} and the concern-wide
 * {@code micro.broker.*} delivery keys; a bad value fails at start, naming its key.
 *
 * <pre>{@code
 * micro.broker=nats
 * micro.broker.nats.servers=nats://10.0.0.1:4222,nats://10.0.0.2:4222
 * micro.broker.nats.jetstream=true
 * }</pre>
 *
 * @param servers         the servers, {@code nats://host:port} (or {@code tls://})
 * @param connectionName  the name the server shows for this connection
 * @param auth            token, user and password, or credentials file; {@code null} for none
 * @param tls             the TLS files, or {@code null} for plain text
 * @param connectTimeout  how long one connection attempt may take
 * @param maxReconnects   attempts to reconnect after a lost connection, {@code -1} for ever
 * @param reconnectWait   the pause between attempts on one server
 * @param reconnectBuffer bytes of publishes kept while reconnecting; beyond, a publish fails at once
 * @param jetStream       the JetStream settings
 * @param deadLetterPrefix the subject prefix of messages no subscriber accepted: {@code <prefix><topic>}
 * @param concurrency     messages one subscription handles at a time, each on a thread of its own; {@code 1} keeps
 *                        the order in which NATS delivers
 * @param delivery        the concern-wide delivery settings ({@code micro.broker.*})
 */
public record NatsBrokerConfig(List<String> servers, String connectionName, Auth auth, Tls tls,
                               Duration connectTimeout, int maxReconnects, Duration reconnectWait,
                               long reconnectBuffer, JetStreamConfig jetStream, String deadLetterPrefix,
                               int concurrency, DeliveryConfig delivery) {

    public static final String SERVERS = "micro.broker.nats.servers";
    public static final String CONNECTION_NAME = "micro.broker.nats.connection-name";
    public static final String TOKEN = "micro.broker.nats.token";
    public static final String USERNAME = "micro.broker.nats.username";
    public static final String PASSWORD = "micro.broker.nats.password";
    public static final String CREDENTIALS = "micro.broker.nats.credentials";
    public static final String TLS_CA = "micro.broker.nats.tls.ca";
    public static final String TLS_CERT = "micro.broker.nats.tls.cert";
    public static final String TLS_KEY = "micro.broker.nats.tls.key";
    public static final String CONNECT_TIMEOUT = "micro.broker.nats.connect-timeout";
    public static final String MAX_RECONNECTS = "micro.broker.nats.max-reconnects";
    public static final String RECONNECT_WAIT = "micro.broker.nats.reconnect-wait";
    public static final String RECONNECT_BUFFER = "micro.broker.nats.reconnect-buffer";
    public static final String JETSTREAM = "micro.broker.nats.jetstream";
    public static final String JETSTREAM_TOPICS = "micro.broker.nats.jetstream.topics";
    public static final String JETSTREAM_REPLICAS = "micro.broker.nats.jetstream.replicas";
    public static final String JETSTREAM_STORAGE = "micro.broker.nats.jetstream.storage";
    public static final String JETSTREAM_MAX_AGE = "micro.broker.nats.jetstream.max-age";
    public static final String JETSTREAM_ACK_WAIT = "micro.broker.nats.jetstream.ack-wait";
    public static final String JETSTREAM_MAX_DELIVER = "micro.broker.nats.jetstream.max-deliver";
    public static final String JETSTREAM_PUBLISH_TIMEOUT = "micro.broker.nats.jetstream.publish-timeout";
    public static final String JETSTREAM_STREAM_PREFIX = "micro.broker.nats.jetstream.stream-prefix";
    public static final String DEAD_LETTER_PREFIX = "micro.broker.nats.dead-letter-prefix";
    public static final String CONCURRENCY = "micro.broker.nats.concurrency";

    /** Go Micro's (and NATS') default server. */
    public static final String DEFAULT_SERVERS = "nats://127.0.0.1:4222";

    /** Token, or user and password, or a credentials file (JWT and NKey seed); at most one kind. */
    public record Auth(String token, String username, String password, Path credentials) {
    }

    /**
     * The PEM files of a TLS connection.
     *
     * @param ca   the CAs the server's certificate comes from, or {@code null} for the JDK's trust store
     * @param cert this client's certificate chain, or {@code null}
     * @param key  the PKCS#8 key of {@code cert}, or {@code null}
     */
    public record Tls(Path ca, Path cert, Path key) {
    }

    /**
     * JetStream: which topics are kept in streams, and how.
     *
     * @param all          every topic in JetStream mode ({@code micro.broker.nats.jetstream=true})
     * @param topics       the topics in JetStream mode when not all
     * @param replicas     copies of each stream in a cluster
     * @param memory       streams in memory instead of files
     * @param maxAge       how long a stream keeps a message
     * @param ackWait      how long a delivery may stay unacknowledged before it is delivered again
     * @param maxDeliver   deliveries of one message in all, to any member, before it is dead-lettered
     * @param publishTimeout how long a publish (and a subscribe) may wait for the stream: longer than a stream
     *                     leader's election after a node died (5 to 7 s measured)
     * @param streamPrefix the prefix of stream names: {@code <prefix><TOPIC>}
     */
    public record JetStreamConfig(boolean all, Set<String> topics, int replicas, boolean memory, Duration maxAge,
                                  Duration ackWait, int maxDeliver, Duration publishTimeout, String streamPrefix) {

        public JetStreamConfig {
            topics = Set.copyOf(topics);
        }

        /** Whether {@code topic} is kept in a stream. */
        public boolean covers(String topic) {
            return all || topics.contains(topic);
        }

        /** Whether any topic is. */
        public boolean used() {
            return all || !topics.isEmpty();
        }
    }

    public NatsBrokerConfig {
        servers = List.copyOf(servers);
        Objects.requireNonNull(jetStream, "jetStream");
        Objects.requireNonNull(delivery, "delivery");
    }

    /** Core NATS at {@code servers} (comma-separated), defaults otherwise. */
    public static NatsBrokerConfig of(String servers) {
        return from(MicroConfig.of(Map.of(SERVERS, servers)));
    }

    /** JetStream for every topic at {@code servers}, with {@code replicas} copies of each stream. */
    public static NatsBrokerConfig jetStream(String servers, int replicas) {
        return from(MicroConfig.of(Map.of(SERVERS, servers, JETSTREAM, "true",
                JETSTREAM_REPLICAS, String.valueOf(replicas))));
    }

    /**
     * Reads the settings.
     *
     * @throws io.microcdi.config.ConfigException naming the key of a bad value
     */
    public static NatsBrokerConfig from(MicroConfig c) {
        Path ca = file(c, TLS_CA);
        Path cert = file(c, TLS_CERT);
        Path key = file(c, TLS_KEY);
        if ((cert == null) != (key == null)) {
            String set = cert != null ? TLS_CERT : TLS_KEY;
            throw MicroConfig.invalid(set, c.get(set, ""), "set together with " + (cert != null ? TLS_KEY : TLS_CERT));
        }
        Tls tls = ca != null || cert != null ? new Tls(ca, cert, key) : null;
        List<String> servers = servers(c.get(SERVERS, DEFAULT_SERVERS));
        if (tls == null && servers.stream().anyMatch(s -> s.startsWith("tls://"))) {
            tls = new Tls(null, null, null);
        }
        return new NatsBrokerConfig(servers, c.get(CONNECTION_NAME).orElse(null), auth(c), tls,
                c.duration(CONNECT_TIMEOUT, Duration.ofSeconds(2)),
                c.integer(MAX_RECONNECTS, -1, -1, Integer.MAX_VALUE),
                c.duration(RECONNECT_WAIT, Duration.ofSeconds(2)),
                c.size(RECONNECT_BUFFER, 8L * 1024 * 1024),
                new JetStreamConfig(c.bool(JETSTREAM, false), topics(c.get(JETSTREAM_TOPICS, "")),
                        c.integer(JETSTREAM_REPLICAS, 1, 1, 5),
                        c.oneOf(JETSTREAM_STORAGE, "file", List.of("file", "memory")).equals("memory"),
                        c.duration(JETSTREAM_MAX_AGE, Duration.ofDays(1)),
                        c.duration(JETSTREAM_ACK_WAIT, Duration.ofSeconds(30)),
                        c.integer(JETSTREAM_MAX_DELIVER, 20, 1, 10_000),
                        c.duration(JETSTREAM_PUBLISH_TIMEOUT, Duration.ofSeconds(15)),
                        streamPrefix(c.get(JETSTREAM_STREAM_PREFIX, "MICRO-"))),
                subjectPrefix(c.get(DEAD_LETTER_PREFIX, "dead.")),
                c.integer(CONCURRENCY, 1, 1, 1024),
                DeliveryConfig.from(c));
    }

    private static List<String> servers(String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            String url = s.contains("://") ? s : "nats://" + s;
            String scheme = url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT);
            String rest = url.substring(url.indexOf("://") + 3);
            if (!List.of("nats", "tls").contains(scheme) || rest.isEmpty() || rest.contains("/")) {
                throw MicroConfig.invalid(SERVERS, raw, "comma-separated host:port or nats://host:port (tls:// for "
                        + "TLS); " + s + " is not one");
            }
            out.add(url);
        }
        if (out.isEmpty()) {
            throw MicroConfig.invalid(SERVERS, raw, "at least one server");
        }
        return out;
    }

    private static Auth auth(MicroConfig c) {
        String token = c.get(TOKEN).orElse(null);
        String user = c.get(USERNAME).orElse(null);
        String password = c.get(PASSWORD).orElse(null);
        Path creds = file(c, CREDENTIALS);
        if ((user == null) != (password == null)) {
            String set = user != null ? USERNAME : PASSWORD;
            throw MicroConfig.invalid(set, user != null ? user : "(hidden)",
                    "set together with " + (user != null ? PASSWORD : USERNAME));
        }
        int kinds = (token != null ? 1 : 0) + (user != null ? 1 : 0) + (creds != null ? 1 : 0);
        if (kinds > 1) {
            String key = token != null ? TOKEN : USERNAME;
            throw MicroConfig.invalid(key, key.equals(TOKEN) ? "(hidden)" : user,
                    "one way to authenticate: " + TOKEN + ", " + USERNAME + "/" + PASSWORD + " or " + CREDENTIALS);
        }
        return kinds == 0 ? null : new Auth(token, user, password, creds);
    }

    private static Set<String> topics(String raw) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : raw.split(",")) {
            if (!t.isBlank()) {
                out.add(t.trim());
            }
        }
        return out;
    }

    private static String streamPrefix(String prefix) {
        if (!prefix.matches("[A-Za-z0-9_-]*")) {
            throw MicroConfig.invalid(JETSTREAM_STREAM_PREFIX, prefix, "letters, digits, _ and - (a stream name)");
        }
        return prefix;
    }

    private static String subjectPrefix(String prefix) {
        if (prefix.isEmpty() || prefix.contains(" ") || prefix.contains("*") || prefix.contains(">")
                || !prefix.endsWith(".")) {
            throw MicroConfig.invalid(DEAD_LETTER_PREFIX, prefix, "subject tokens ending with a dot, such as dead.");
        }
        return prefix;
    }

    private static Path file(MicroConfig c, String key) {
        String value = c.get(key).orElse(null);
        if (value == null) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p) || Files.isDirectory(p)) {
            throw MicroConfig.invalid(key, value, "a readable file");
        }
        return p;
    }

    @Override
    public String toString() {
        // never a token or a password
        return "NatsBrokerConfig[servers=" + servers + ", jetStream=" + jetStream + ", tls=" + (tls != null)
                + ", auth=" + (auth != null) + ", concurrency=" + concurrency + ", delivery=" + delivery + "]";
    }
}
