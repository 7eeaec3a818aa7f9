package io.microcdi.cli;

import io.microcdi.config.ConfigException;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A selector that always picks one address, whatever the service: {@code micro call --address HOST:PORT}, and the
 * node by node calls of {@code micro health}. The node carries no metadata, so a stream to it is opened the way every
 * listener understands (HTTP/1.1, as Go Micro's).
 *
 * <pre>{@code
 * Client c = plugins.client(config, new DirectSelector("127.0.0.1:8080"), transport, codecs);
 * }</pre>
 */
final class DirectSelector implements Selector {

    private final Node node;
    private final Next next;

    DirectSelector(String address) {
        this.node = new Node(address, address, Map.of());
        this.next = new Next() {
            @Override
            public Node next() {
                return node;
            }

            @Override
            public void mark(Node n, Throwable error) {
                // one node: nothing to learn
            }
        };
    }

    /**
     * {@code address} if it has the form {@code host:port} ({@code [v6]:port}) with a port in [1, 65535].
     *
     * @throws io.microcdi.config.ConfigException naming {@code option} otherwise
     */
    static String checkAddress(String option, String address) {
        int colon = address.lastIndexOf(':');
        if (colon > 0) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (port >= 1 && port <= 65535) {
                    return address;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new ConfigException(option + "=" + address
                + " (expected: HOST:PORT such as 127.0.0.1:8080)");
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public Next select(String service, SelectOptions options) {
        return next;
    }

    @Override
    public void mark(String service, Node n, Throwable error) {
        // one node: nothing to learn
    }

    @Override
    public void reset(String service) {
        // nothing cached
    }

    @Override
    public void onAddressGone(Consumer<String> listener) {
        // it keeps no view of the registry: the address never leaves
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String toString() {
        return "DirectSelector[" + node.address() + "]";
    }
}
