package io.microcdi.client.rpc;

import io.microcdi.client.ProtocolProvider;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.transport.Transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The wire protocols the rpc client speaks besides mucp ({@link ProtocolProvider}s found on the class path), and which
 * one a call to a node goes in: the node's own when it speaks only one ({@code protocol} metadata; Go Micro's gRPC
 * nodes say {@code server=grpc}), else the one configured for the service ({@code micro.client.protocol},
 * {@code micro.client.<service>.protocol}, default {@code mucp}) when the node speaks it.
 *
 * <pre>{@code
 * ClientProtocols protocols = ClientProtocols.load(config, loader);   // fails on an unknown micro.client.protocol
 * ClientProtocols.Spoken p = protocols.of(node, "grpc");              // null: mucp
 * }</pre>
 */
public final class ClientProtocols implements AutoCloseable {

    /** The key choosing the protocol for nodes that speak several. */
    public static final String PROTOCOL = "micro.client.protocol";
    public static final String MUCP = "mucp";

    /** Only mucp. */
    static final ClientProtocols NONE = new ClientProtocols(Map.of(), MUCP);

    private final Map<String, Spoken> spoken;
    private final String preferred;

    private ClientProtocols(Map<String, Spoken> spoken, String preferred) {
        this.spoken = spoken;
        this.preferred = preferred;
    }

    /** The protocols {@code loader} finds, their transports made from {@code config}; checks the protocol keys. */
    public static ClientProtocols load(MicroConfig config, ClassLoader loader) {
        Map<String, ProtocolProvider> found = new LinkedHashMap<>();
        for (ProtocolProvider p : ServiceLoader.load(ProtocolProvider.class, loader)) {
            found.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
        }
        List<String> allowed = new ArrayList<>();
        allowed.add(MUCP);
        allowed.addAll(found.keySet());
        String preferred = check(config, PROTOCOL, MUCP, allowed);
        List<String> problems = new ArrayList<>();
        for (String service : ServiceKeys.servicesNamed(config).keySet()) {
            try {
                check(config, ServiceKeys.key(ServiceKeys.PROTOCOL, service), preferred, allowed);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        Map<String, Spoken> spoken = new LinkedHashMap<>();
        found.forEach((name, p) -> spoken.put(name, new Spoken(p, p.create(config))));
        return new ClientProtocols(Map.copyOf(spoken), preferred);
    }

    private static String check(MicroConfig config, String key, String fallback, List<String> allowed) {
        String value = config.get(key, fallback).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new ConfigException(key + "=" + value + " (expected: one of " + String.join(", ", allowed)
                    + (allowed.size() == 1 ? "; gRPC needs module microcdi-grpc" : "") + ")");
        }
        return value;
    }

    /** The protocol calls to {@code service} prefer for nodes that speak several. */
    String preferred(MicroConfig config, String service) {
        if (config == null) {
            return preferred;
        }
        return config.get(ServiceKeys.key(ServiceKeys.PROTOCOL, service), preferred).trim()
                .toLowerCase(Locale.ROOT);
    }

    /**
     * The protocol a call to {@code node} goes in, or {@code null} for mucp.
     *
     * @throws io.microcdi.errors.MicroException 501 when the node speaks only a protocol no plugin here speaks
     */
    Spoken of(Node node, String preferredHere) {
        String own = node.metadata().get("protocol");
        if (own == null && "grpc".equals(node.metadata().get("server"))) {
            own = "grpc"; // Go Micro's gRPC server advertises no protocol
        }
        if (own != null && !own.equals(MUCP)) {
            Spoken s = spoken.get(own);
            if (s == null) {
                throw new io.microcdi.errors.MicroException(RpcClient.ID, 501, "node " + node.id() + " speaks "
                        + own + ", which no protocol plugin here speaks (gRPC: module microcdi-grpc)",
                        io.microcdi.errors.MicroException.statusText(501));
            }
            return s;
        }
        if (preferredHere.equals(MUCP)) {
            return null;
        }
        Spoken s = spoken.get(preferredHere);
        return s != null && s.provider.address(node) != null ? s : null;
    }

    /** Whether a protocol besides mucp is there. */
    boolean any() {
        return !spoken.isEmpty();
    }

    void disconnect(String address) {
        for (Spoken s : spoken.values()) {
            s.transport.disconnect(address);
        }
    }

    @Override
    public void close() {
        for (Spoken s : spoken.values()) {
            s.transport.close();
        }
    }

    /** A protocol and its transport. */
    static final class Spoken {
        final ProtocolProvider provider;
        final Transport transport;

        Spoken(ProtocolProvider provider, Transport transport) {
            this.provider = provider;
            this.transport = transport;
        }

        String address(Node node) {
            String a = provider.address(node);
            return a != null ? a : node.address();
        }
    }
}
