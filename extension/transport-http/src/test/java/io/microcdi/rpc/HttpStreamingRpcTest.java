package io.microcdi.rpc;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.stream.Streams;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StreamingRpcContract} over the HTTP transport on loopback: HTTP/1.1, one connection per stream. */
class HttpStreamingRpcTest extends StreamingRpcContract {

    @Override
    protected StreamingTransport transport(MicroConfig config) {
        // h2-streams off: this contract run keeps covering Go Micro's HTTP/1.1 streams (Http2StreamingRpcTest: HTTP/2)
        return new HttpTransport(HttpTransportConfig.from(config).withH2Streams(false));
    }

    /**
     * A node that refuses connections is marked and the stream opens on another: with one dead node of two and one
     * retry (the default), every stream opens; without the move, about half would fail.
     */
    @Test
    void aStreamMovesOnFromANodeThatCannotBeDialed() throws Exception {
        start();
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort(); // closed again: connecting is refused
        }
        Service live = server.registered().get(0);
        registry.register(new Service(live.name(), live.version(), live.metadata(), live.endpoints(),
                List.of(new Node("chat-dead", "127.0.0.1:" + dead, live.nodes().get(0).metadata()))),
                Duration.ZERO);
        await(() -> registry.getService("chat").stream().mapToInt(s -> s.nodes().size()).sum() == 2);
        for (int i = 0; i < 20; i++) {
            assertThat(Streams.toList(api.count(new Count(i, 2))).get(10, TimeUnit.SECONDS))
                    .containsExactly(new Reply("n" + i), new Reply("n" + (i + 1)));
        }
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
    }
}
