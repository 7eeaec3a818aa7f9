package io.microcdi.internal.transport;

import io.microcdi.transport.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A transport that can {@code POST} to a path other than {@code /} and hands back the answer's status as it is: what
 * the HTTP broker needs for Go Micro's {@code POST /_sub?id=<node>}. The {@code http} and {@code memory} transports
 * implement it; the RPC path ({@code Transport.send}) is untouched by it.
 *
 * <pre>{@code
 * if (transport instanceof PathTransport t) {
 *     t.post("127.0.0.1:8081", "/_sub?id=broker-1", message, Duration.ofSeconds(5))
 *      .thenAccept(reply -> accepted = reply.status() == 200);
 * }
 * }</pre>
 */
public interface PathTransport {

    /**
     * Sends {@code request} as {@code POST path} (the path and its query, starting with {@code /}) to
     * {@code address}; completes with the answer whatever its status, or exceptionally as {@code Transport.send}
     * does: a {@link io.microcdi.transport.TransportException} when the connection failed or broke, a
     * {@link java.util.concurrent.TimeoutException} when {@code timeout} passed.
     *
     * @throws IllegalArgumentException when {@code path} does not start with {@code /} or holds a space or a
     *                                  control character
     */
    CompletableFuture<Reply> post(String address, String path, Message request, Duration timeout);

    /**
     * An answer and its HTTP status.
     *
     * @param status  the status code, for example {@code 200} or {@code 404}
     * @param message the headers and body of the answer
     */
    record Reply(int status, Message message) {
    }

    /** Checks {@code path} for {@link #post}: it goes into the request line as is. */
    static String checkPath(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("path: " + path
                        + " (expected: no space, control or non-ASCII character; percent-encode them)");
            }
        }
        return path;
    }
}
