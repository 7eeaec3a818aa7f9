package io.microcdi.transport.http;

import io.microcdi.registry.Node;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP transport that notes the class of every stream it opens, so a contract run can check which kind of stream
 * (HTTP/1.1 or HTTP/2) it exercised.
 *
 * <pre>{@code
 * StreamKinds t = new StreamKinds(new HttpTransport(config));
 * ...
 * assertThat(t.opened()).allMatch("Http2ClientStream"::equals);
 * }</pre>
 */
record StreamKinds(HttpTransport http, List<String> opened) implements StreamingTransport {

    StreamKinds(HttpTransport http) {
        this(http, new CopyOnWriteArrayList<>());
    }

    @Override
    public String name() {
        return http.name();
    }

    @Override
    public Listener listen(String address, Handler handler) {
        return http.listen(address, handler);
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
        return http.send(address, request, timeout);
    }

    @Override
    public CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout) {
        return note(http.stream(node, open, connectTimeout));
    }

    @Override
    public CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
        return note(http.stream(address, open, connectTimeout));
    }

    private CompletableFuture<MessageStream> note(CompletableFuture<MessageStream> f) {
        return f.thenApply(s -> {
            opened.add(s.getClass().getSimpleName());
            return s;
        });
    }

    @Override
    public Map<String, String> nodeMetadata() {
        return http.nodeMetadata();
    }

    @Override
    public void disconnect(String address) {
        http.disconnect(address);
    }

    @Override
    public void close() {
        http.close();
    }
}
