package io.microcdi.rpc;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StreamingRpcContract} over the HTTP transport on loopback with streams on HTTP/2 streams: the server
 * registers {@code streams=h2}, so the client opens every stream on a shared HTTP/2 connection (cleartext, prior
 * knowledge). Each test also checks that no stream went over HTTP/1.1.
 */
class Http2StreamingRpcTest extends StreamingRpcContract {

    private final List<String> opened = new CopyOnWriteArrayList<>();

    @Override
    protected StreamingTransport transport(MicroConfig config) {
        return new Recording(new HttpTransport(HttpTransportConfig.from(config)), opened);
    }

    @AfterEach
    void everyStreamWasAnHttp2Stream() {
        assertThat(opened).allMatch("Http2ClientStream"::equals);
    }

    /** The transport, noting the kind of every stream it opens. */
    private record Recording(StreamingTransport t, List<String> opened) implements StreamingTransport {

        @Override
        public String name() {
            return t.name();
        }

        @Override
        public Listener listen(String address, Handler handler) {
            return t.listen(address, handler);
        }

        @Override
        public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
            return t.send(address, request, timeout);
        }

        @Override
        public CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
            return note(t.stream(address, open, connectTimeout));
        }

        @Override
        public CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout) {
            return note(t.stream(node, open, connectTimeout));
        }

        private CompletableFuture<MessageStream> note(CompletableFuture<MessageStream> f) {
            return f.thenApply(s -> {
                opened.add(s.getClass().getSimpleName());
                return s;
            });
        }

        @Override
        public java.util.Map<String, String> nodeMetadata() {
            return t.nodeMetadata();
        }

        @Override
        public void disconnect(String address) {
            t.disconnect(address);
        }

        @Override
        public void close() {
            t.close();
        }
    }
}
