package io.microcdi.internal.transport;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link MessageStreamContractTest} over the HTTP transport on loopback, HTTP/1.1: a client transport and a server
 * transport, each with its own stream idle timeout, one dedicated connection per stream.
 */
class HttpMessageStreamContractTest extends MessageStreamContractTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    private HttpTransport transport(Duration idle) {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(
                Map.of("micro.transport.stream-idle-timeout", idle.toMillis() + "ms"))));
        closing.add(t);
        return t;
    }

    @Override
    protected Pair open(Duration clientIdle, Duration serverIdle) throws Exception {
        CompletableFuture<MessageStream> server = new CompletableFuture<>();
        Listener l = transport(serverIdle).listen("127.0.0.1:0", ex -> server.complete(((StreamingExchange) ex).stream()));
        closing.add(l);
        Message open = new Message(Metadata.of("Content-Type", "application/octet-stream",
                "Micro-Endpoint", "Echo.Stream", MessageStream.STREAM_HEADER, "1"), null);
        MessageStream client = transport(clientIdle).stream(l.address(), open, Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS);
        return new Pair(client, server.get(10, TimeUnit.SECONDS));
    }

    /** Loopback socket buffers hold tens of thousands of these small messages: offer ten times what they hold. */
    @Override
    protected long[] stallTotalAndBound() {
        return new long[]{600_000, 200_000};
    }

    @AfterEach
    void closeTransports() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }
}
