package io.microcdi.transport.http;

import io.microcdi.config.MicroConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code http} transport, bound once from its own keys, {@code micro.transport.http.*} (TLS
 * included), and from {@code micro.transport.stream-idle-timeout}, which every transport honours.
 *
 * <pre>{@code
 * HttpTransportConfig c = HttpTransportConfig.from(config);   // micro.transport.http.pool-size=20, ...
 * Transport t = new HttpTransport(c);
 * }</pre>
 *
 * @param ioThreads   event loop threads shared by the client and server sides ({@code micro.transport.http.io-threads})
 * @param maxBodySize largest request body the server reads, in bytes ({@code micro.transport.http.max-body-size})
 * @param idleTimeout how long the server keeps a connection on which no bytes arrive
 *                    ({@code micro.transport.http.idle-timeout})
 * @param poolSize    most connections the client keeps open to one address ({@code micro.transport.http.pool-size})
 * @param poolTtl     how long an unused pooled connection is kept ({@code micro.transport.http.pool-ttl})
 * @param dialTimeout longest wait for a TCP connect (and TLS handshake), capped by the call's own timeout
 *                    ({@code micro.transport.http.dial-timeout})
 * @param tls         TLS of listeners and client ({@code micro.transport.http.tls.*}); {@link HttpTlsConfig#none()} for
 *                    plain text
 * @param streamIdleTimeout how long a stream may go without a message either way before both sides fail it
 *                    ({@code micro.transport.stream-idle-timeout}); {@link Duration#ZERO} for no limit
 * @param h2Streams   whether the client opens a stream on an HTTP/2 stream of a shared connection when the node says
 *                    its listener takes them ({@code streams=h2}); {@code false}: every stream on an HTTP/1.1
 *                    connection of its own, as Go Micro ({@code micro.transport.http.h2-streams})
 * @param h2Calls     whether the client sends a unary call on an HTTP/2 stream of a shared connection when the node
 *                    says its listener takes them ({@code calls=h2}); {@code false}: HTTP/1.1 pooled connections, one
 *                    call at a time each, as Go Micro ({@code micro.transport.http.h2-calls})
 * @param limits      the server-wide bounds ({@link HttpServerLimits}: connections, bytes of half-read requests, ...)
 */
public record HttpTransportConfig(int ioThreads, int maxBodySize, Duration idleTimeout, int poolSize,
                                  Duration poolTtl, Duration dialTimeout, HttpTlsConfig tls,
                                  Duration streamIdleTimeout, boolean h2Streams, boolean h2Calls,
                                  HttpServerLimits limits) {

    /** Default {@link #maxBodySize}: 4 MiB, Go Micro's default message size. */
    public static final int DEFAULT_MAX_BODY_SIZE = 4 * 1024 * 1024;

    /**
     * Default {@link #idleTimeout}: 2 minutes, longer than the client's {@link #DEFAULT_POOL_TTL} so that a pooled
     * client drops an idle connection before the server does (otherwise a call can be written just as the server
     * closes, and fail with {@code requestSent=true}).
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);

    /** Default {@link #poolSize}: 100 connections per address, as Go Micro's client pool. */
    public static final int DEFAULT_POOL_SIZE = 100;

    /** Default {@link #poolTtl}: 1 minute, as Go Micro's client pool. */
    public static final Duration DEFAULT_POOL_TTL = Duration.ofMinutes(1);

    /** Default {@link #dialTimeout}: 5 seconds, as Go Micro's transport. */
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(5);

    /** Default {@link #streamIdleTimeout}: 5 minutes. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /** Key of {@link #ioThreads}. */
    public static final String IO_THREADS = "micro.transport.http.io-threads";
    /** Key of {@link #maxBodySize}. */
    public static final String MAX_BODY_SIZE = "micro.transport.http.max-body-size";
    /** Key of {@link #idleTimeout}. */
    public static final String IDLE_TIMEOUT = "micro.transport.http.idle-timeout";
    /** Key of {@link #poolSize}. */
    public static final String POOL_SIZE = "micro.transport.http.pool-size";
    /** Key of {@link #poolTtl}. */
    public static final String POOL_TTL = "micro.transport.http.pool-ttl";
    /** Key of {@link #dialTimeout}. */
    public static final String DIAL_TIMEOUT = "micro.transport.http.dial-timeout";
    /** Key of {@link #streamIdleTimeout}. */
    public static final String STREAM_IDLE_TIMEOUT = "micro.transport.stream-idle-timeout";
    /** Key of {@link #h2Streams}. */
    public static final String H2_STREAMS = "micro.transport.http.h2-streams";
    /** Key of {@link #h2Calls}. */
    public static final String H2_CALLS = "micro.transport.http.h2-calls";

    /** Largest body a {@code byte[]} can hold, which bounds {@link #maxBodySize}. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public HttpTransportConfig {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
        }
        if (maxBodySize < 1 || maxBodySize > MAX_ARRAY) {
            throw new IllegalArgumentException("maxBodySize: " + maxBodySize + " (expected: in [1, " + MAX_ARRAY + "])");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: >= 1)");
        }
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("poolTtl", poolTtl);
        requirePositive("dialTimeout", dialTimeout);
        Objects.requireNonNull(tls, "tls");
        if (streamIdleTimeout == null || streamIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("streamIdleTimeout: " + streamIdleTimeout + " (expected: >= 0)");
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** These settings with {@link HttpServerLimits#defaults()}, and calls on HTTP/2 where the node takes them. */
    public HttpTransportConfig(int ioThreads, int maxBodySize, Duration idleTimeout, int poolSize, Duration poolTtl,
                               Duration dialTimeout, HttpTlsConfig tls, Duration streamIdleTimeout,
                               boolean h2Streams) {
        this(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls, streamIdleTimeout, h2Streams,
                true, HttpServerLimits.defaults());
    }

    /** These settings with streams and calls on HTTP/2 where the node takes them. */
    public HttpTransportConfig(int ioThreads, int maxBodySize, Duration idleTimeout, int poolSize, Duration poolTtl,
                               Duration dialTimeout, HttpTlsConfig tls, Duration streamIdleTimeout) {
        this(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls, streamIdleTimeout, true);
    }

    /** These settings with the {@link #DEFAULT_STREAM_IDLE_TIMEOUT}. */
    public HttpTransportConfig(int ioThreads, int maxBodySize, Duration idleTimeout, int poolSize, Duration poolTtl,
                               Duration dialTimeout, HttpTlsConfig tls) {
        this(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls, DEFAULT_STREAM_IDLE_TIMEOUT);
    }

    /** Plain-text settings. */
    public HttpTransportConfig(int ioThreads, int maxBodySize, Duration idleTimeout, int poolSize, Duration poolTtl,
                               Duration dialTimeout) {
        this(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, HttpTlsConfig.none());
    }

    /** These settings with {@code tls}. */
    public HttpTransportConfig withTls(HttpTlsConfig tls) {
        return new HttpTransportConfig(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls,
                streamIdleTimeout, h2Streams, h2Calls, limits);
    }

    /** These settings with {@code streamIdleTimeout} ({@link Duration#ZERO}: no limit). */
    public HttpTransportConfig withStreamIdleTimeout(Duration streamIdleTimeout) {
        return new HttpTransportConfig(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls,
                streamIdleTimeout, h2Streams, h2Calls, limits);
    }

    /** These settings with {@code h2Streams} ({@code false}: every stream on HTTP/1.1). */
    public HttpTransportConfig withH2Streams(boolean h2Streams) {
        return new HttpTransportConfig(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls,
                streamIdleTimeout, h2Streams, h2Calls, limits);
    }

    /** These settings with {@code h2Calls} ({@code false}: every unary call on HTTP/1.1). */
    public HttpTransportConfig withH2Calls(boolean h2Calls) {
        return new HttpTransportConfig(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls,
                streamIdleTimeout, h2Streams, h2Calls, limits);
    }

    /** These settings with {@code limits}. */
    public HttpTransportConfig withLimits(HttpServerLimits limits) {
        return new HttpTransportConfig(ioThreads, maxBodySize, idleTimeout, poolSize, poolTtl, dialTimeout, tls,
                streamIdleTimeout, h2Streams, h2Calls, limits);
    }

    /** The defaults, with one I/O thread per available processor. */
    public static HttpTransportConfig defaults() {
        return new HttpTransportConfig(Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_BODY_SIZE,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_POOL_SIZE, DEFAULT_POOL_TTL, DEFAULT_DIAL_TIMEOUT);
    }

    /** Reads the keys above, {@link HttpTlsConfig#from} and {@link HttpServerLimits#from}; a bad value fails here, naming its key. */
    public static HttpTransportConfig from(MicroConfig config) {
        long maxBody = config.size(MAX_BODY_SIZE, DEFAULT_MAX_BODY_SIZE);
        if (maxBody > MAX_ARRAY) {
            throw MicroConfig.invalid(MAX_BODY_SIZE, config.get(MAX_BODY_SIZE, ""), "a size below 2g");
        }
        return new HttpTransportConfig(
                config.integer(IO_THREADS, Runtime.getRuntime().availableProcessors(), 1, 1024),
                (int) maxBody,
                config.duration(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT),
                config.integer(POOL_SIZE, DEFAULT_POOL_SIZE, 1, 100_000),
                config.duration(POOL_TTL, DEFAULT_POOL_TTL),
                config.duration(DIAL_TIMEOUT, DEFAULT_DIAL_TIMEOUT),
                HttpTlsConfig.from(config),
                // zero is allowed here (no limit): read it against a zero fallback, default only when unset
                config.get(STREAM_IDLE_TIMEOUT).isEmpty() ? DEFAULT_STREAM_IDLE_TIMEOUT
                        : config.duration(STREAM_IDLE_TIMEOUT, Duration.ZERO),
                config.bool(H2_STREAMS, true),
                config.bool(H2_CALLS, true),
                HttpServerLimits.from(config));
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
