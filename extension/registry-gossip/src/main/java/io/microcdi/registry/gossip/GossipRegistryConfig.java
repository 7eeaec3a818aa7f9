package io.microcdi.registry.gossip;

import io.microcdi.config.MicroConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of the {@code gossip} registry, read once from {@code micro.registry.gossip.*}; a bad value fails at
 * start, naming its key and what it accepts.
 *
 * <pre>{@code
 * micro.registry=gossip
 * micro.registry.gossip.bind=10.0.0.7
 * micro.registry.gossip.port=7946
 * micro.registry.gossip.seeds=10.0.0.5:7946,10.0.0.6:7946
 * micro.registry.gossip.secret=${GOSSIP_SECRET}
 * }</pre>
 *
 * @param bind                the IPv4 address the member listens on; {@code 0.0.0.0} for every interface
 * @param port                the TCP port it listens on, {@code 0} for any free one
 * @param advertiseHost       the host other members reach it at, or {@code null} for the bound address (with
 *                            {@code 0.0.0.0}: the first site-local address of this host)
 * @param advertisePort       the port other members reach it at, or {@code 0} for the bound port
 * @param seeds               members to join through (any one that answers will do); none starts a cluster
 * @param gossipInterval      how often a member passes what it heard on to a few others
 * @param pingInterval        how often a member probes another one (SWIM's protocol period)
 * @param pingTimeout         how long a probe waits for its answer before asking others to probe
 * @param suspicionMultiplier how many protocol periods, times log2 of the cluster size, a suspected member has to
 *                            refute the suspicion before it is removed
 * @param syncInterval        how often a member exchanges its whole membership table with another (seeds included):
 *                            what heals a partition and retries unreachable seeds
 * @param secret              the shared secret that encrypts and authenticates member traffic, or {@code null}
 * @param maxMetadataSize     the most bytes the nodes of one process may take in its member metadata
 */
public record GossipRegistryConfig(InetAddress bind, int port, String advertiseHost, int advertisePort,
                                   List<InetSocketAddress> seeds, Duration gossipInterval, Duration pingInterval,
                                   Duration pingTimeout, int suspicionMultiplier, Duration syncInterval,
                                   String secret, int maxMetadataSize) {

    public static final String BIND = "micro.registry.gossip.bind";
    public static final String PORT = "micro.registry.gossip.port";
    public static final String ADVERTISE = "micro.registry.gossip.advertise";
    public static final String SEEDS = "micro.registry.gossip.seeds";
    public static final String GOSSIP_INTERVAL = "micro.registry.gossip.gossip-interval";
    public static final String PING_INTERVAL = "micro.registry.gossip.ping-interval";
    public static final String PING_TIMEOUT = "micro.registry.gossip.ping-timeout";
    public static final String SUSPICION_MULTIPLIER = "micro.registry.gossip.suspicion-multiplier";
    public static final String SYNC_INTERVAL = "micro.registry.gossip.sync-interval";
    public static final String SECRET = "micro.registry.gossip.secret";
    public static final String MAX_METADATA_SIZE = "micro.registry.gossip.max-metadata-size";

    /** Loopback, as mDNS: nothing leaves the machine until an address is set. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** Any free port: members that others name as seeds need a fixed one. */
    public static final int DEFAULT_PORT = 0;
    /** scalecube's LAN default. */
    public static final Duration DEFAULT_GOSSIP_INTERVAL = Duration.ofMillis(200);
    /** scalecube's LAN default. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(1);
    /** scalecube's LAN default. */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofMillis(500);
    /**
     * scalecube's loopback default (its LAN default is 5): with 1 s probes a dead member of a five-member cluster is
     * removed about 12 s after it died, of a hundred-member one about 24 s ({@link #removalTime(int)}).
     */
    public static final int DEFAULT_SUSPICION_MULTIPLIER = 3;
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(10);
    /** 1 MiB: a few thousand endpoints of a typical shape (see the registry page). */
    public static final int DEFAULT_MAX_METADATA_SIZE = 1 << 20;
    /** A secret shorter than this is refused: it is the only key of the cluster's traffic. */
    public static final int MIN_SECRET_LENGTH = 16;

    private static final int MIN_METADATA_SIZE = 1 << 10;
    private static final int MAX_METADATA_LIMIT = 64 << 20;
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HOST_PORT = Pattern.compile("([^:\\s]+)(?::(\\d{1,5}))?");

    public GossipRegistryConfig {
        Objects.requireNonNull(bind, "bind");
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(gossipInterval, "gossipInterval");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
        if (advertisePort < 0 || advertisePort > 65535) {
            throw new IllegalArgumentException("advertisePort: " + advertisePort + " (expected: 0 to 65535)");
        }
        if (pingTimeout.compareTo(pingInterval) >= 0) {
            throw new IllegalArgumentException("pingTimeout: " + pingTimeout + " (expected: < pingInterval "
                    + pingInterval + ")");
        }
        if (suspicionMultiplier < 1) {
            throw new IllegalArgumentException("suspicionMultiplier: " + suspicionMultiplier + " (expected: >= 1)");
        }
        if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("secret: " + secret.length() + " characters (expected: at least "
                    + MIN_SECRET_LENGTH + ")");
        }
        if (maxMetadataSize < MIN_METADATA_SIZE) {
            throw new IllegalArgumentException("maxMetadataSize: " + maxMetadataSize + " (expected: >= "
                    + MIN_METADATA_SIZE + ")");
        }
    }

    /** The defaults: a member alone on loopback, any port, no secret. */
    public static GossipRegistryConfig defaults() {
        return from(MicroConfig.of(Map.of()));
    }

    /**
     * Reads the settings.
     *
     * @throws io.microcdi.config.ConfigException naming the key of a bad value
     */
    public static GossipRegistryConfig from(MicroConfig config) {
        InetAddress bind = bindAddress(config.get(BIND, DEFAULT_BIND));
        int port = config.integer(PORT, DEFAULT_PORT, 0, 65535);
        String advertiseHost = null;
        int advertisePort = 0;
        String advertise = config.get(ADVERTISE).orElse(null);
        if (advertise != null) {
            Matcher m = HOST_PORT.matcher(advertise);
            int p = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
            if (!m.matches() || m.group(2) != null && (p < 1 || p > 65535)) {
                throw MicroConfig.invalid(ADVERTISE, advertise, "host or host:port that the other members reach "
                        + "this one at (IPv4 address or name; port 1 to 65535, the bound port when left out)");
            }
            advertiseHost = m.group(1);
            advertisePort = p;
        }
        List<InetSocketAddress> seeds = seeds(config.get(SEEDS, ""));
        Duration gossipInterval = config.duration(GOSSIP_INTERVAL, DEFAULT_GOSSIP_INTERVAL);
        Duration pingInterval = config.duration(PING_INTERVAL, DEFAULT_PING_INTERVAL);
        Duration pingTimeout = config.duration(PING_TIMEOUT, DEFAULT_PING_TIMEOUT);
        if (pingTimeout.compareTo(pingInterval) >= 0) {
            throw MicroConfig.invalid(PING_TIMEOUT, config.get(PING_TIMEOUT, DEFAULT_PING_TIMEOUT.toMillis() + "ms"),
                    "a duration shorter than " + PING_INTERVAL + " (" + pingInterval.toMillis() + " ms)");
        }
        int suspicion = config.integer(SUSPICION_MULTIPLIER, DEFAULT_SUSPICION_MULTIPLIER, 1, 100);
        Duration syncInterval = config.duration(SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL);
        String secret = config.get(SECRET).orElse(null);
        if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
            throw MicroConfig.invalid(SECRET, "(hidden, " + secret.length() + " characters)", "at least "
                    + MIN_SECRET_LENGTH + " characters shared by every member, such as the output of "
                    + "`openssl rand -base64 24`");
        }
        long max = config.size(MAX_METADATA_SIZE, DEFAULT_MAX_METADATA_SIZE);
        if (max < MIN_METADATA_SIZE || max > MAX_METADATA_LIMIT) {
            throw MicroConfig.invalid(MAX_METADATA_SIZE, config.get(MAX_METADATA_SIZE, ""), "a size from 1k to 64m");
        }
        return new GossipRegistryConfig(bind, port, advertiseHost, advertisePort, seeds, gossipInterval,
                pingInterval, pingTimeout, suspicion, syncInterval, secret, (int) max);
    }

    /** The same settings with other seeds. */
    public GossipRegistryConfig withSeeds(List<InetSocketAddress> newSeeds) {
        return new GossipRegistryConfig(bind, port, advertiseHost, advertisePort, newSeeds, gossipInterval,
                pingInterval, pingTimeout, suspicionMultiplier, syncInterval, secret, maxMetadataSize);
    }

    /** The same settings with another secret ({@code null}: none). */
    public GossipRegistryConfig withSecret(String newSecret) {
        return new GossipRegistryConfig(bind, port, advertiseHost, advertisePort, seeds, gossipInterval,
                pingInterval, pingTimeout, suspicionMultiplier, syncInterval, newSecret, maxMetadataSize);
    }

    /** The same settings on another port. */
    public GossipRegistryConfig withPort(int newPort) {
        return new GossipRegistryConfig(bind, newPort, advertiseHost, advertisePort, seeds, gossipInterval,
                pingInterval, pingTimeout, suspicionMultiplier, syncInterval, secret, maxMetadataSize);
    }

    /**
     * About how long a member that died stays in the others' views in a cluster of {@code members}: someone probes it
     * within about a protocol period, finds no answer (nor do the members it asks to probe on its behalf) and
     * suspects it by the end of the next one; the suspicion spreads by gossip and lasts
     * {@code suspicion-multiplier x ceil(log2(members + 1))} protocol periods, as scalecube counts it.
     */
    public Duration removalTime(int members) {
        int log = 32 - Integer.numberOfLeadingZeros(members);
        return pingInterval.multipliedBy(3L + (long) suspicionMultiplier * log);
    }

    private static InetAddress bindAddress(String value) {
        String expected = "an IPv4 address of this host (" + DEFAULT_BIND + " unless set), or 0.0.0.0 for every "
                + "interface";
        Matcher m = IPV4.matcher(value);
        if (!m.matches()) {
            throw MicroConfig.invalid(BIND, value, expected);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int b = Integer.parseInt(m.group(i + 1));
            if (b > 255) {
                throw MicroConfig.invalid(BIND, value, expected);
            }
            bytes[i] = (byte) b;
        }
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            if (address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null) {
                return address;
            }
        } catch (UnknownHostException | SocketException e) {
            // reported below with the key
        }
        throw MicroConfig.invalid(BIND, value, expected + "; " + value + " is not an address of this host");
    }

    private static List<InetSocketAddress> seeds(String raw) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            Matcher m = HOST_PORT.matcher(s);
            int port = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65535) {
                throw MicroConfig.invalid(SEEDS, raw, "comma-separated host:port of members to join through "
                        + "(port 1 to 65535); " + s + " is not one");
            }
            out.add(InetSocketAddress.createUnresolved(m.group(1), port));
        }
        return out;
    }

    /** The seeds as {@code host:port,host:port}, as the key writes them. */
    String seedList() {
        return String.join(",", seeds.stream().map(s -> s.getHostString() + ":" + s.getPort()).toList());
    }

    @Override
    public String toString() {
        // never the secret
        return "GossipRegistryConfig[bind=" + bind.getHostAddress() + ":" + port
                + (advertiseHost != null ? ", advertise=" + advertiseHost + ":" + advertisePort : "")
                + ", seeds=" + seedList() + ", gossipInterval=" + gossipInterval + ", pingInterval=" + pingInterval
                + ", pingTimeout=" + pingTimeout + ", suspicionMultiplier=" + suspicionMultiplier
                + ", syncInterval=" + syncInterval + ", secret=" + (secret != null ? "(set)" : "none")
                + ", maxMetadataSize=" + maxMetadataSize + "]";
    }
}
