package io.microcdi.server;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;

/**
 * One endpoint: its name, its request and response types and the code that answers it.
 *
 * <pre>{@code
 * new EndpointDefinition("Greeter.Hello", HelloRequest.class, HelloReply.class,
 *         req -> greeter.hello((HelloRequest) req), Map.of())
 * new EndpointDefinition("Greeter.Chat", HelloRequest.class, HelloReply.class,
 *         reqs -> greeter.chat((Flow.Publisher<HelloRequest>) reqs), Map.of("stream", "true"), Streaming.BIDI)
 * }</pre>
 *
 * @param name         {@code Handler.Method}
 * @param requestType  the decoded request type, or {@code null} when the endpoint takes no request; for a stream of
 *                     requests, the type of one
 * @param responseType the response type ({@code void.class} for none); for an async endpoint, the completed value's;
 *                     for a stream of responses, the type of one
 * @param invoker      answers a decoded request
 * @param metadata     endpoint metadata advertised in the registry
 * @param streaming    whether requests, responses or both are streams, and so what {@code invoker} takes and returns
 * @param nullableRequest whether the handler takes a {@code null} request (a JSON {@code null} body); otherwise the
 *                     server answers such a call 400 without calling it
 * @param nonBlocking  whether the invoker never blocks (it computes, or returns a stage at once), so a server may run
 *                     it on the I/O thread that read the request instead of a handler thread; for unary endpoints only
 *                     (see {@code io.microcdi.annotation.NonBlocking})
 */
public record EndpointDefinition(String name, Type requestType, Type responseType, EndpointInvoker invoker,
                                 Map<String, String> metadata, Streaming streaming, boolean nullableRequest,
                                 boolean nonBlocking) {

    public EndpointDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(responseType, "responseType");
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(streaming, "streaming");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (nonBlocking && streaming != Streaming.NONE) {
            throw new IllegalArgumentException(name + ": a streaming endpoint cannot be non-blocking (expected: a "
                    + "unary endpoint)");
        }
    }

    /** An endpoint that may block: a server runs it on a handler thread. */
    public EndpointDefinition(String name, Type requestType, Type responseType, EndpointInvoker invoker,
                              Map<String, String> metadata, Streaming streaming, boolean nullableRequest) {
        this(name, requestType, responseType, invoker, metadata, streaming, nullableRequest, false);
    }

    /** An endpoint whose handler never gets a {@code null} request. */
    public EndpointDefinition(String name, Type requestType, Type responseType, EndpointInvoker invoker,
                              Map<String, String> metadata, Streaming streaming) {
        this(name, requestType, responseType, invoker, metadata, streaming, false);
    }

    /** A unary endpoint: one request, one response. */
    public EndpointDefinition(String name, Type requestType, Type responseType, EndpointInvoker invoker,
                              Map<String, String> metadata) {
        this(name, requestType, responseType, invoker, metadata, Streaming.NONE);
    }

    /**
     * What streams, and so what the invoker takes and returns ({@code Req}/{@code Resp} being
     * {@code requestType}/{@code responseType}).
     */
    public enum Streaming {
        /** Unary: takes {@code Req} (or nothing), returns {@code Resp} or a {@code CompletionStage} of it. */
        NONE,
        /** Server streaming: takes {@code Req} (or nothing), returns a {@code Flow.Publisher<Resp>}. */
        SERVER,
        /** Client streaming: takes a {@code Flow.Publisher<Req>}, returns a {@code CompletionStage<Resp>}. */
        CLIENT,
        /** Bidirectional: takes a {@code Flow.Publisher<Req>}, returns a {@code Flow.Publisher<Resp>}. */
        BIDI;

        /** Whether the caller sends a stream of requests. */
        public boolean requestsStream() {
            return this == CLIENT || this == BIDI;
        }

        /** Whether the server answers with a stream of responses. */
        public boolean responsesStream() {
            return this == SERVER || this == BIDI;
        }
    }
}
