package io.microcdi.cli;

import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node that answers as a Go Micro service does, on a transport's listener and nothing of the framework's server:
 * {@code Debug.Health} ({@code {"status":"ok"}}) unless built without it, {@code Echo.Headers} (the request's headers
 * and body as JSON), {@code Slow.Never} (no answer), and Go Micro's 404 for anything else.
 *
 * <pre>{@code
 * GoMicroNode node = GoMicroNode.listen(transport, true);
 * registry.register(new Service("legacy", "1.0.0", null, null, List.of(node.node("legacy-1"))), ttl);
 * }</pre>
 */
final class GoMicroNode implements AutoCloseable {

    private final Listener listener;

    private GoMicroNode(Listener listener) {
        this.listener = listener;
    }

    /** Listens on {@code transport}; {@code health}: whether it serves {@code Debug.Health}. */
    static GoMicroNode listen(Transport transport, boolean health) {
        return new GoMicroNode(transport.listen("127.0.0.1:0", exchange -> answer(exchange, health)));
    }

    String address() {
        return listener.address();
    }

    Node node(String id) {
        return new Node(id, address(), Map.of("protocol", "mucp", "transport", "http"));
    }

    private static void answer(Exchange exchange, boolean health) {
        Message request = exchange.request();
        String endpoint = request.header().get("Micro-Endpoint");
        switch (endpoint == null ? "" : endpoint) {
            case "Debug.Health" -> {
                if (health) {
                    exchange.reply(json("{\"status\":\"ok\"}"));
                } else {
                    notFound(exchange, endpoint);
                }
            }
            case "Echo.Headers" -> {
                Map<String, String> headers = new TreeMap<>(request.header().asMap());
                StringBuilder sb = new StringBuilder("{\"headers\":{");
                headers.forEach((k, v) -> sb.append('"').append(k).append("\":\"").append(v.replace("\"", "\\\""))
                        .append("\","));
                sb.setLength(sb.length() - 1);
                sb.append("},\"body\":").append(new String(request.body(), StandardCharsets.UTF_8)).append('}');
                exchange.reply(json(sb.toString()));
            }
            case "Slow.Never" -> {
                // never answers: the caller's deadline passes
            }
            default -> notFound(exchange, endpoint);
        }
    }

    private static void notFound(Exchange exchange, String endpoint) {
        String error = ErrorJson.write(MicroException.notFound("go.micro.server", "unknown service " + endpoint));
        exchange.reply(new Message(Metadata.of("Content-Type", "application/json", "Micro-Error", error),
                error.getBytes(StandardCharsets.UTF_8)));
    }

    private static Message json(String body) {
        return new Message(Metadata.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        listener.close();
    }
}
