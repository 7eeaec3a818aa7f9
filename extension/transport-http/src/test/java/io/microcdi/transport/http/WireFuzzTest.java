package io.microcdi.transport.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for what the HTTP transport's server reads before any codec sees a byte: the HTTP/1.1 request head and
 * body framing ({@link #http1}) and HTTP/2 frames after the connection preface, with MicroCDI's stream framing inside
 * their DATA frames ({@link #http2}). The input goes through the pipeline an accepted connection gets (the request
 * guard and the protocol selector, which sets up the rest), on an {@link EmbeddedChannel}, to a handler that echoes
 * each request and each stream message. Then the client shuts its side and the connection closes.
 *
 * <p>A finding is: an exception that escapes the pipeline, budget bytes still held after the connection closed (the
 * server-wide {@code max-pending-bytes} would leak away), an HTTP/1.1 answer that does not parse, or an error whose
 * {@code Micro-Error} header and body disagree or lack the Go Micro fields.
 *
 * <p>The test command replays the saved inputs (under {@code src/test/resources/io/microcdi/transport/http/
 * WireFuzzTestInputs}, seeds among them); {@code scripts/fuzz http1} fuzzes one target for a while.
 */
class WireFuzzTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** An empty SETTINGS frame: the rest of a client's connection preface. */
    private static final byte[] SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpTransport TRANSPORT = new HttpTransport(HttpTransportConfig.defaults());
    private static final HttpListener LISTENER = new HttpListener(TRANSPORT, WireFuzzTest::echo,
            HttpTransportConfig.defaults());

    @AfterAll
    static void close() {
        TRANSPORT.close();
    }

    @FuzzTest(maxDuration = "10m")
    void http1(byte[] data) throws IOException {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        try {
            for (ByteBuf out : serve(data)) {
                client.writeInbound(out);
            }
            client.finish();
            for (Object o; (o = client.readInbound()) != null; ) {
                try {
                    FullHttpResponse r = (FullHttpResponse) o;
                    assertThat(r.decoderResult().isSuccess()).as("the answer parses: %s", r.decoderResult()).isTrue();
                    assertThat(r.status().code()).as("status").isIn(200, 505);
                    String error = r.headers().get("Micro-Error");
                    if (error != null) {
                        // header bytes are UTF-8, as Go writes them (a detail may quote what the client sent)
                        error = HttpWire.fromWire(error);
                        assertGoMicroError(error);
                        assertThat(r.content().toString(StandardCharsets.UTF_8)).as("body").isEqualTo(error);
                        assertThat(HttpWire.fromWire(r.headers().get("X-Micro-Error"))).isEqualTo(error);
                    }
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
        } finally {
            client.finishAndReleaseAll();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void http2(byte[] frames) {
        ByteBuf[] out = serve(concat(PREFACE, SETTINGS, frames));
        try {
            assertThat(out).as("the server's preface").isNotEmpty();
            assertThat(out[0].getByte(3)).as("a SETTINGS frame first").isEqualTo((byte) 4);
        } finally {
            for (ByteBuf b : out) {
                b.release();
            }
        }
    }

    /** The harness reaches the handler: the seeds' requests and stream messages come back echoed. */
    @Test
    void seedsAreEchoed() throws IOException {
        assertThat(written(serve(seed("http1/seed-pipelined"))))
                .startsWith("HTTP/1.1 200 OK").containsSubsequence("{\"name\":\"John\"}", "HTTP/1.1 200", "John");
        byte[] unary = seed("http2/seed-unary");
        byte[] stream = seed("http2/seed-stream");
        assertThat(written(serve(concat(PREFACE, SETTINGS, unary)))).contains("{\"name\":\"John\"}");
        assertThat(written(serve(concat(PREFACE, SETTINGS, stream)))).contains("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    private static byte[] seed(String name) throws IOException {
        try (var in = WireFuzzTest.class.getResourceAsStream("WireFuzzTestInputs/" + name)) {
            return in.readAllBytes();
        }
    }

    private static String written(ByteBuf[] out) {
        StringBuilder s = new StringBuilder();
        for (ByteBuf b : out) {
            s.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return s.toString();
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Feeds {@code data} to a fresh server connection, shuts the client's side, closes; what the server wrote. */
    private static ByteBuf[] serve(byte[] data) {
        EmbeddedChannel server = new EmbeddedChannel();
        server.pipeline()
                .addLast("guard", new RequestGuard(TRANSPORT.pendingBytes(), Long.MAX_VALUE))
                .addLast("select", new ProtocolSelector(LISTENER, false));
        ByteBuf in = Unpooled.wrappedBuffer(data);
        server.writeInbound(in);
        server.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        server.runPendingTasks();
        server.checkException();
        server.close();
        server.runPendingTasks();
        server.checkException();
        if (data.length > 0) { // (an empty input is the shared empty buffer, never released)
            assertThat(in.refCnt()).as("the input was released").isZero();
        }
        assertThat(TRANSPORT.pendingBytes().used()).as("budget bytes held after the connection closed").isZero();
        ByteBuf[] written = server.outboundMessages().stream().map(ByteBuf.class::cast).toArray(ByteBuf[]::new);
        for (Object o; (o = server.readInbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
        return written;
    }

    private static void assertGoMicroError(String json) throws IOException {
        JsonNode e = JSON.readTree(json);
        assertThat(e.has("id") && e.has("code") && e.has("detail") && e.has("status")).as(json).isTrue();
        assertThat(e.get("code").isInt()).as(json).isTrue();
    }

    /** Answers a request with its own body, and a stream with each of its messages. */
    private static void echo(Exchange exchange) {
        Message request = exchange.request();
        if (request.header().get(MessageStream.STREAM_HEADER) != null
                && exchange instanceof StreamingExchange streaming) {
            MessageStream stream;
            try {
                stream = streaming.stream();
            } catch (UnsupportedOperationException notHere) {
                exchange.reply(request);
                return;
            }
            SubmissionPublisher<Message> back = new SubmissionPublisher<>(Runnable::run, 16);
            stream.send(back);
            stream.receive(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Message m) {
                    back.offer(m, null); // dropped when the client does not read: the fuzzer never does
                }

                @Override
                public void onError(Throwable t) {
                    back.closeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    back.close();
                }
            }, Runnable::run);
            return;
        }
        exchange.reply(new Message(Metadata.of("Content-Type",
                request.header().getOrDefault("Content-Type", "application/octet-stream")), request.body()));
    }
}
