package io.microcdi.internal.model;

import io.microcdi.client.Client;
import io.microcdi.client.StreamingClient;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the plugins a process runs with can do what its services and clients need, checked when it starts rather
 * than at the first call: a streaming endpoint needs a {@link StreamingTransport}, a streaming client method a
 * {@link StreamingClient} over one. Every problem is numbered and says what to change.
 *
 * <pre>{@code
 * List<String> problems = Capabilities.server(server.services(), transport);
 * // [MICRO-0107: service chat serves streaming endpoints [Chat.Chat], but the udp transport cannot stream ...]
 * }</pre>
 */
public final class Capabilities {

    private static final String STREAMING_TRANSPORTS = "micro.transport naming a transport that streams, such as "
            + "http or memory";

    private Capabilities() {
    }

    /** MICRO-0107: every service of {@code services} with a streaming endpoint, when {@code transport} cannot stream. */
    public static List<String> server(List<ServiceDefinition> services, Transport transport) {
        if (transport instanceof StreamingTransport) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (ServiceDefinition s : services) {
            List<String> streaming = s.endpoints().stream()
                    .filter(e -> e.streaming() != EndpointDefinition.Streaming.NONE)
                    .map(EndpointDefinition::name).sorted().toList();
            if (!streaming.isEmpty()) {
                problems.add("MICRO-0107: service " + s.name() + " serves streaming endpoints " + streaming
                        + ", but the " + transport.name() + " transport cannot stream (expected: "
                        + STREAMING_TRANSPORTS + ")");
            }
        }
        return problems;
    }

    /**
     * MICRO-0207 when {@code client} cannot stream, else MICRO-0208 when {@code transport} cannot, for the client
     * interface {@code interfaceName} whose methods {@code streamingMethods} stream; nothing when it has none.
     */
    public static List<String> client(String interfaceName, List<String> streamingMethods, Client client,
                                      Transport transport) {
        if (streamingMethods.isEmpty()) {
            return List.of();
        }
        if (!(client instanceof StreamingClient)) {
            return List.of(clientCannotStream(interfaceName, streamingMethods, client));
        }
        if (!(transport instanceof StreamingTransport)) {
            return List.of("MICRO-0208: @MicroClient " + interfaceName + " streams (" + methods(streamingMethods)
                    + "), but the " + transport.name() + " transport cannot stream (expected: "
                    + STREAMING_TRANSPORTS + ")");
        }
        return List.of();
    }

    /** MICRO-0207: the client interface {@code interfaceName} streams, and {@code client} cannot. */
    public static String clientCannotStream(String interfaceName, List<String> streamingMethods, Client client) {
        return "MICRO-0207: @MicroClient " + interfaceName + " streams (" + methods(streamingMethods) + "), but the "
                + client.name() + " client cannot stream (expected: micro.client naming a client that implements "
                + "StreamingClient, such as rpc)";
    }

    /** The names sorted: the order of methods read by reflection or from the CDI model varies. */
    private static String methods(List<String> names) {
        return "#" + String.join(", #", names.stream().sorted().toList());
    }
}
