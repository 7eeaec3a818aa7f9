package io.microcdi.unary;

import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.client.rpc.RpcClientProvider;

/**
 * Provides {@link UnaryClient} under the name {@code unary} (a CDI bean in the tests that pick it).
 *
 * <pre>{@code
 * micro.client=unary
 * }</pre>
 */
public class UnaryClientProvider implements ClientProvider {

    @Override
    public String name() {
        return UnaryClient.NAME;
    }

    @Override
    public Client create(Parts parts) {
        return new UnaryClient(new RpcClientProvider().create(parts));
    }
}
