package io.microcdi.transport.http;

import io.microcdi.transport.Message;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2FrameStream;

/**
 * One request on one HTTP/2 stream of a server connection: answered like any exchange, or taken over as a
 * {@link io.microcdi.transport.MessageStream} when its {@code HEADERS} carry {@code micro-stream}.
 *
 * <pre>{@code
 * connection.dispatch(new Http2Exchange(connection, request, method, path, frameStream));
 * }</pre>
 */
final class Http2Exchange extends ServerExchange {

    final Http2FrameStream stream;
    /** The stream this request may become: set when its HEADERS carry {@code micro-stream}; loop only. */
    Http2ServerStream streamed;

    Http2Exchange(ServerExchange.Owner connection, Message request, HttpMethod method, String path,
                  Http2FrameStream stream) {
        super(connection, request, method, path, true, null);
        this.stream = stream;
    }
}
