package io.microcdi.server.rpc;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Heartbeat;
import io.microcdi.internal.config.Addresses;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The settings of {@link RpcServer}, read once from {@code micro.server.*} and {@code micro.register.*}.
 *
 * <pre>{@code
 * RpcServerConfig cfg = RpcServerConfig.from(MicroConfig.of(Map.of("micro.server.address", "127.0.0.1:8080")));
 * }</pre>
 *
 * @param address          where to listen, {@code host:port}; port 0 picks a free one
 * @param advertise        the address registered instead of the bound one, if set
 * @param id               the server id (node ids are {@code <service>-<id>})
 * @param version          the version of services that do not name one
 * @param metadata         extra node metadata
 * @param registerTtl      how long the registry keeps a node that stops re-registering
 * @param registerInterval how often the node re-registers (a heartbeat), with up to 10% jitter
 * @param shutdownGrace    how long a stop keeps serving after deregistering, so that clients learn the node is gone
 *                         before it stops accepting; cut short once no call arrived for {@code QUIET}
 * @param shutdownTimeout  how long a stop waits for in-flight calls
 * @param handlerThreads   worker threads for handlers when the JDK has no virtual threads
 * @param virtualThreads   run handlers on virtual threads when the JDK has them (21+)
 * @param broker           the broker name advertised in node metadata ({@code micro.broker})
 * @param debug            answer Go Micro's {@code Debug.Health} and {@code Debug.Stats} ({@code micro.server.debug})
 */
public record RpcServerConfig(String address, Optional<String> advertise, String id, String version,
                              Map<String, String> metadata, Duration registerTtl, Duration registerInterval,
                              Duration shutdownGrace, Duration shutdownTimeout, int handlerThreads, boolean virtualThreads,
                              String broker, boolean debug) {

    public static final String DEFAULT_ADDRESS = "127.0.0.1:0";
    public static final String DEFAULT_VERSION = "latest";
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** A grace period ends early once no call arrived for this long: the clients have moved on. */
    public static final Duration QUIET = Duration.ofMillis(100);
    public static final int DEFAULT_HANDLER_THREADS = 64;

    /** Reads {@code micro.server.*} and {@code micro.register.*}. */
    public static RpcServerConfig from(MicroConfig c) {
        Heartbeat.Timing timing = Heartbeat.Timing.from(c);
        Duration ttl = timing.ttl();
        Duration interval = timing.interval();
        return new RpcServerConfig(
                address(c, "micro.server.address", DEFAULT_ADDRESS),
                c.get("micro.server.advertise").map(a -> address(c, "micro.server.advertise", a)),
                c.get("micro.server.id", UUID.randomUUID().toString()),
                c.get("micro.server.version", DEFAULT_VERSION),
                Map.copyOf(c.pairs("micro.server.metadata")),
                ttl,
                interval,
                // 0 is allowed: stop accepting right after deregistering
                c.get("micro.server.shutdown-grace").isPresent()
                        ? c.duration("micro.server.shutdown-grace", Duration.ZERO) : DEFAULT_SHUTDOWN_GRACE,
                c.duration("micro.server.shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT),
                c.integer("micro.server.handler-threads", DEFAULT_HANDLER_THREADS, 1, 10_000),
                c.bool("micro.server.virtual-threads", true),
                c.get("micro.broker", "http").trim().toLowerCase(java.util.Locale.ROOT),
                c.bool("micro.server.debug", true));
    }

    private static String address(MicroConfig c, String key, String fallback) {
        return Addresses.hostPort(c, key, fallback);
    }
}
