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
 * The {@link MessageStreamContract} over the HTTP transport on loopback, on HTTP/2 streams: the listener's node says
 * {@code streams=h2}, so the client opens every stream on a shared cleartext HTTP/2 connection (prior knowledge).
 * Each test also checks that no stream went over HTTP/1.1.
 */
class Http2MessageStreamContractTest extends MessageStreamContract {

    private final List<StreamKinds> transports = new CopyOnWriteArrayList<>();

    @Override
    protected StreamingTransport newTransport(Duration streamIdleTimeout) {
        StreamKinds t = new StreamKinds(new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.IO_THREADS, "2",
                HttpTransportConfig.STREAM_IDLE_TIMEOUT, streamIdleTimeout.toMillis() + "ms")))));
        transports.add(t);
        return t;
    }

    @AfterEach
    void everyStreamWasAnHttp2Stream() {
        assertThat(transports.stream().flatMap(t -> t.opened().stream())).allMatch("Http2ClientStream"::equals);
    }
}
