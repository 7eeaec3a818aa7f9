package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.testing.transport.MessageStreamContract;
import io.microcdi.transport.StreamingTransport;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link MessageStreamContract} over the HTTP transport on loopback, on HTTP/1.1 (Go Micro's streams): the client
 * transports have {@code micro.transport.h2-streams=false}, so every stream has a connection of its own.
 */
class Http1MessageStreamContractTest extends MessageStreamContract {

    private final List<StreamKinds> transports = new CopyOnWriteArrayList<>();

    @Override
    protected StreamingTransport newTransport(Duration streamIdleTimeout) {
        StreamKinds t = new StreamKinds(new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.IO_THREADS, "2",
                HttpTransportConfig.STREAM_IDLE_TIMEOUT, streamIdleTimeout.toMillis() + "ms",
                HttpTransportConfig.H2_STREAMS, "false")))));
        transports.add(t);
        return t;
    }

    @AfterEach
    void everyStreamWasAnHttp1Stream() {
        assertThat(transports.stream().flatMap(t -> t.opened().stream())).doesNotContain("Http2ClientStream");
    }
}
