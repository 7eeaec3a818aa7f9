package io.microcdi.unary;

import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.memory.MemoryTransport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A real transport that carries unary calls only: the memory transport's unary part, its streams hidden (it is no
 * {@code StreamingTransport}, and its handlers get plain {@link Exchange}s). What a plugin without streams looks like
 * to the framework.
 *
 * <pre>{@code
 * micro.transport=unary   // through UnaryTransportProvider
 * }</pre>
 */
public final class UnaryTransport implements Transport {

    /** The plugin name. */
    public static final String NAME = "unary";

    private final MemoryTransport memory = new MemoryTransport();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Listener listen(String address, Handler handler) {
        return memory.listen(address, exchange -> handler.handle(new Plain(exchange)));
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
        return memory.send(address, request, timeout);
    }

    @Override
    public void disconnect(String address) {
        memory.disconnect(address);
    }

    @Override
    public void close() {
        memory.close();
    }

    /** The memory transport's exchange seen as a plain one: nothing can cast it to a stream. */
    private record Plain(Exchange exchange) implements Exchange {

        @Override
        public Message request() {
            return exchange.request();
        }

        @Override
        public String remoteAddress() {
            return exchange.remoteAddress();
        }

        @Override
        public String localAddress() {
            return exchange.localAddress();
        }

        @Override
        public String method() {
            return exchange.method();
        }

        @Override
        public String path() {
            return exchange.path();
        }

        @Override
        public void reply(int status, Message response) {
            exchange.reply(status, response);
        }
    }
}
