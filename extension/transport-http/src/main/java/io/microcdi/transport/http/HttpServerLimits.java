package io.microcdi.transport.http;

import io.microcdi.config.MicroConfig;

import java.time.Duration;

/**
 * The bounds that hold for a whole {@link HttpTransport}'s server side, not one request: connections, bytes held for
 * requests still being read, time to send a request head, answers waiting for a client that does not read, HTTP/2
 * streams at once, and what an {@link OutOfMemoryError} on an event loop does. Bound once from
 * {@code micro.transport.http.*}; see {@code limits.md} for what a client sees at each.
 *
 * <pre>{@code
 * HttpServerLimits limits = HttpServerLimits.from(config);   // micro.transport.http.max-connections=20000, ...
 * HttpTransportConfig c = HttpTransportConfig.from(config);  // reads them too: c.limits()
 * }</pre>
 *
 * @param maxConnections       connections the listeners of one transport keep open at once; one more is closed as
 *                             soon as it is accepted ({@code micro.transport.http.max-connections})
 * @param maxPendingBytes      bytes held, across every connection, for requests not read whole yet (heads and
 *                             bodies that took more than one read); the request that would pass it is answered 503
 *                             and its connection closed ({@code micro.transport.http.max-pending-bytes})
 * @param headTimeout          longest time from the first byte of an HTTP/1.1 request head to its end; past it the
 *                             request is answered 408 and its connection closed
 *                             ({@code micro.transport.http.head-timeout})
 * @param maxQueuedBytes       answers waiting to be sent on one connection beyond which the server stops reading it
 *                             (and handing its pipelined requests to the handler) until the client has read them
 *                             ({@code micro.transport.http.max-queued-bytes})
 * @param maxConcurrentStreams HTTP/2 streams one connection may have open at once, announced in
 *                             {@code SETTINGS_MAX_CONCURRENT_STREAMS}; more are refused
 *                             ({@code micro.transport.http.max-concurrent-streams})
 * @param exitOnOutOfMemory    whether an {@link OutOfMemoryError} on an event loop ends the process (exit code
 *                             {@value #OOM_EXIT_CODE}) so that its supervisor restarts it, rather than leaving a
 *                             process whose threads may have died ({@code micro.transport.http.exit-on-out-of-memory})
 */
public record HttpServerLimits(int maxConnections, long maxPendingBytes, Duration headTimeout, int maxQueuedBytes,
                               int maxConcurrentStreams, boolean exitOnOutOfMemory) {

    /**
     * Default {@link #maxConnections}: 10,000, far above what a service behind a client pool sees (100 connections
     * per client and node), and well below the file descriptors a JVM on Linux gets.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /**
     * Default {@link #headTimeout}: 30 seconds. Every client sends its head in one write, so it arrives in
     * milliseconds; a client that takes longer is stalled or attacking (slowloris).
     */
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(30);

    /** Default {@link #maxQueuedBytes}: 1 MiB (an ordinary client reads each answer before it sends its next call). */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

    /** Default {@link #maxConcurrentStreams}: 250, as Go's HTTP/2 server. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = Http2Wire.MAX_CONCURRENT_STREAMS;

    /** The exit code after an {@link OutOfMemoryError}: the JVM's own with {@code -XX:+ExitOnOutOfMemoryError}. */
    public static final int OOM_EXIT_CODE = 3;

    /** Key of {@link #maxConnections}. */
    public static final String MAX_CONNECTIONS = "micro.transport.http.max-connections";
    /** Key of {@link #maxPendingBytes}. */
    public static final String MAX_PENDING_BYTES = "micro.transport.http.max-pending-bytes";
    /** Key of {@link #headTimeout}. */
    public static final String HEAD_TIMEOUT = "micro.transport.http.head-timeout";
    /** Key of {@link #maxQueuedBytes}. */
    public static final String MAX_QUEUED_BYTES = "micro.transport.http.max-queued-bytes";
    /** Key of {@link #maxConcurrentStreams}. */
    public static final String MAX_CONCURRENT_STREAMS = "micro.transport.http.max-concurrent-streams";
    /** Key of {@link #exitOnOutOfMemory}. */
    public static final String EXIT_ON_OUT_OF_MEMORY = "micro.transport.http.exit-on-out-of-memory";

    public HttpServerLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (maxPendingBytes < 1) {
            throw new IllegalArgumentException("maxPendingBytes: " + maxPendingBytes + " (expected: >= 1)");
        }
        if (headTimeout == null || headTimeout.isNegative() || headTimeout.isZero()) {
            throw new IllegalArgumentException("headTimeout: " + headTimeout + " (expected: > 0)");
        }
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: >= 1)");
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
        }
    }

    /**
     * Default {@link #maxPendingBytes}: an eighth of the heap the JVM may grow to. A request head costs the decoder
     * about three times its size on the heap while it is parsed, so half-read requests can never take more than
     * about half the heap; a call whose request arrives in one read is never counted, so it is served however full
     * the budget is.
     */
    public static long defaultMaxPendingBytes() {
        return Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
    }

    /** The defaults. */
    public static HttpServerLimits defaults() {
        return new HttpServerLimits(DEFAULT_MAX_CONNECTIONS, defaultMaxPendingBytes(), DEFAULT_HEAD_TIMEOUT,
                DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_CONCURRENT_STREAMS, true);
    }

    /** Reads the keys above; a bad value fails here, naming its key. */
    public static HttpServerLimits from(MicroConfig config) {
        long queued = config.size(MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_BYTES);
        if (queued > Integer.MAX_VALUE) {
            throw MicroConfig.invalid(MAX_QUEUED_BYTES, config.get(MAX_QUEUED_BYTES, ""), "a size below 2g");
        }
        return new HttpServerLimits(
                config.integer(MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE),
                config.size(MAX_PENDING_BYTES, defaultMaxPendingBytes()),
                config.duration(HEAD_TIMEOUT, DEFAULT_HEAD_TIMEOUT),
                (int) queued,
                config.integer(MAX_CONCURRENT_STREAMS, DEFAULT_MAX_CONCURRENT_STREAMS, 1, Integer.MAX_VALUE),
                config.bool(EXIT_ON_OUT_OF_MEMORY, true));
    }

    /** These limits with {@code maxConnections}. */
    public HttpServerLimits withMaxConnections(int maxConnections) {
        return new HttpServerLimits(maxConnections, maxPendingBytes, headTimeout, maxQueuedBytes,
                maxConcurrentStreams, exitOnOutOfMemory);
    }

    /** These limits with {@code maxPendingBytes}. */
    public HttpServerLimits withMaxPendingBytes(long maxPendingBytes) {
        return new HttpServerLimits(maxConnections, maxPendingBytes, headTimeout, maxQueuedBytes,
                maxConcurrentStreams, exitOnOutOfMemory);
    }

    /** These limits with {@code headTimeout}. */
    public HttpServerLimits withHeadTimeout(Duration headTimeout) {
        return new HttpServerLimits(maxConnections, maxPendingBytes, headTimeout, maxQueuedBytes,
                maxConcurrentStreams, exitOnOutOfMemory);
    }

    /** These limits with {@code maxQueuedBytes}. */
    public HttpServerLimits withMaxQueuedBytes(int maxQueuedBytes) {
        return new HttpServerLimits(maxConnections, maxPendingBytes, headTimeout, maxQueuedBytes,
                maxConcurrentStreams, exitOnOutOfMemory);
    }

    /** These limits with {@code maxConcurrentStreams}. */
    public HttpServerLimits withMaxConcurrentStreams(int maxConcurrentStreams) {
        return new HttpServerLimits(maxConnections, maxPendingBytes, headTimeout, maxQueuedBytes,
                maxConcurrentStreams, exitOnOutOfMemory);
    }
}
