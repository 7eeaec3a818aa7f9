package io.microcdi.gateway;

import io.microcdi.errors.MicroException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * What an HTTP server does with a request for the gateway, whatever the server: a CORS preflight answered here, the
 * body read up to {@code micro.gateway.max-body-size}, a call or (with {@code Accept: text/event-stream}) a stream,
 * and the CORS headers of the caller's origin on the answer. {@link GatewayResource} (JAX-RS) and
 * {@link GatewayHttpServer} (the JDK's server, under {@code micro api}) are thin adapters around it.
 *
 * <pre>{@code
 * HttpFront front = new HttpFront(gateway);
 * HttpFront.Answer a = front.serve("POST", "/greeter/hello", "", headers, body);
 * // a.head(): status, content type, headers, body; a.events() non-null: server-sent events to write after the head
 * }</pre>
 */
public final class HttpFront {

    /** The head of an answer whose events {@link StreamedReplies#writeTo} writes. */
    private static final Map<String, String> EVENT_HEADERS = Map.of("Cache-Control", "no-cache",
            "X-Accel-Buffering", "no");

    /**
     * An answer: {@code head} alone, or, when {@code events} is not {@code null}, a 200 {@code text/event-stream}
     * head (empty body) followed by the events.
     */
    public record Answer(Reply head, StreamedReplies events) {
    }

    private final Gateway gateway;
    private final Cors cors;

    public HttpFront(Gateway gateway) {
        this.gateway = gateway;
        this.cors = new Cors(gateway.config());
    }

    public Gateway gateway() {
        return gateway;
    }

    /**
     * Answers one request for the gateway.
     *
     * @param query   the raw query without {@code ?} ({@code null} or {@code ""}: none)
     * @param headers the request's headers, each with its values
     * @param in      the body ({@code null}: none)
     */
    public Answer serve(String method, String path, String query, Map<String, List<String>> headers, InputStream in)
            throws IOException {
        HttpCall call;
        try {
            byte[] body = method.equals("OPTIONS") ? new byte[0]
                    : Bodies.read(in, first(headers, "Content-Length"), gateway.config().maxBodySize());
            call = new HttpCall(method, path, query, headers, body);
        } catch (MicroException e) {
            return new Answer(Reply.error(e).withHeaders(cors.headers(first(headers, "Origin"))), null);
        }
        String origin = call.header("Origin");
        if (method.equals("OPTIONS")) {
            return new Answer(cors.preflight(origin, call.header("Access-Control-Request-Method")), null);
        }
        String accept = call.header("Accept");
        if (accept != null && accept.contains("text/event-stream")) {
            Object opened = gateway.openStream(call);
            if (opened instanceof Reply r) {
                return new Answer(r.withHeaders(cors.headers(origin)), null);
            }
            Reply head = new Reply(200, "text/event-stream", EVENT_HEADERS, new byte[0]);
            return new Answer(head.withHeaders(cors.headers(origin)), (StreamedReplies) opened);
        }
        return new Answer(gateway.call(call).withHeaders(cors.headers(origin)), null);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return HttpCall.header(headers, name);
    }
}
