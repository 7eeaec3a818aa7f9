package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams over HTTP/2 (cleartext, prior knowledge): the framed DATA of {@link Http2ServerConnection}, through the
 * real curl and through a Netty {@code Http2FrameCodec} client written here.
 */
class Http2StreamTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        executor.shutdownNow();
    }

    private HttpListener streamServer(java.util.function.Consumer<MessageStream> onStream) {
        HttpTransport t = new HttpTransport(new HttpTransportConfig(2, HttpTransportConfig.DEFAULT_MAX_BODY_SIZE,
                Duration.ofMinutes(1), 10, Duration.ofMinutes(1), Duration.ofSeconds(5)));
        closing.add(t);
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> onStream.accept(((StreamingExchange) ex).stream()));
        closing.add(l);
        return l;
    }

    /** Our framing: u32 header-block length, "Name: value\r\n" lines, u32 body length, body. */
    static byte[] frame(Message m) {
        try {
            StringBuilder lines = new StringBuilder();
            m.header().forEach((k, v) -> lines.append(k).append(": ").append(v).append("\r\n"));
            byte[] head = lines.toString().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(head.length);
            out.write(head);
            out.writeInt(m.body().length);
            out.write(m.body());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads every whole framed message off {@code in}. */
    static void unframe(ByteBuf in, List<Message> out) {
        while (in.readableBytes() >= 4) {
            int at = in.readerIndex();
            int h = in.getInt(at);
            if (in.readableBytes() < 8 + h) {
                return;
            }
            int b = in.getInt(at + 4 + h);
            if (in.readableBytes() < 8 + h + b) {
                return;
            }
            Metadata.Builder md = Metadata.builder(4);
            for (String line : in.toString(at + 4, h, StandardCharsets.UTF_8).split("\r\n")) {
                if (!line.isEmpty()) {
                    int c = line.indexOf(':');
                    md.put(line.substring(0, c), line.substring(c + 1).trim());
                }
            }
            byte[] body = new byte[b];
            in.getBytes(at + 8 + h, body);
            in.skipBytes(8 + h + b);
            out.add(new Message(md.build(), body));
        }
    }

    private static Message eos(String id) {
        return new Message(Metadata.of(MessageStream.STREAM_HEADER, id, "Micro-Error", "EOS"), null);
    }

    @Test
    void curlStreamsTwoMessagesAndEndOfStream() throws Exception {
        HttpListener l = streamServer(s -> StreamParts.Echo.on(s, "c1", executor));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(frame(StreamParts.message("c1", "hello")));
        body.write(frame(StreamParts.message("c1", "world")));
        body.write(frame(eos("c1")));
        Path in = dir.resolve("open.bin");
        Path out = dir.resolve("out.bin");
        Files.write(in, body.toByteArray());

        Curl.Result r = Curl.run("-sS", "--max-time", "20", "--http2-prior-knowledge",
                "-H", "Content-Type: text/plain", "-H", "Micro-Service: echo", "-H", "Micro-Endpoint: Echo.Stream",
                "-H", "Micro-Stream: c1", "--data-binary", "@" + in, "-o", out.toString(),
                "http://" + l.address() + "/");

        assertThat(r.exit()).as(r.err()).isZero();
        List<Message> got = new ArrayList<>();
        ByteBuf buf = Unpooled.wrappedBuffer(Files.readAllBytes(out));
        unframe(buf, got);
        assertThat(buf.isReadable()).isFalse();
        assertThat(got).hasSize(3);
        assertThat(StreamParts.text(got.get(0))).isEqualTo("HELLO");
        assertThat(StreamParts.text(got.get(1))).isEqualTo("WORLD");
        assertThat(got.get(0).header().get(MessageStream.STREAM_HEADER)).isEqualTo("c1");
        assertThat(got.get(2).header().get("Micro-Error")).isEqualTo("EOS");
    }

    @Test
    void frameCodecClientStreamsTenThousandMessagesBothWays() throws Exception {
        HttpListener l = streamServer(s -> StreamParts.Echo.on(s, "n1", executor));
        Client c = connect(l);
        c.open("n1");
        c.onLoop(() -> {
            for (int i = 0; i < 10_000; i++) {
                // no EOS message: END_STREAM on the last DATA ends our direction
                c.send(StreamParts.message("n1", "m" + i), i == 9_999);
            }
            c.ctx.flush();
        });

        c.ended.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(c.response.headers().status().toString()).isEqualTo("200");
        assertThat(c.got).hasSize(10_001);
        assertThat(c.got.subList(0, 10_000).stream().map(StreamParts::text).toList())
                .containsExactlyElementsOf(IntStream.range(0, 10_000).mapToObj(i -> "M" + i).toList());
        assertThat(c.got.get(10_000).header().get("Micro-Error")).isEqualTo("EOS");
    }

    @Test
    void aResetFromTheClientBreaksTheServerSideAndFreesIt() throws Exception {
        StreamParts.Sink serverGot = new StreamParts.Sink();
        StreamParts.Source serverOut = new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("r1", "x" + i));
        HttpListener l = streamServer(s -> {
            s.receive(serverGot, executor);
            s.send(serverOut);
        });
        Client c = connect(l);
        c.open("r1");
        c.onLoop(() -> {
            c.send(StreamParts.message("r1", "hello"), false);
            c.ctx.flush();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.items.size() == 1 && c.got.size() > 10);

        c.onLoop(() -> c.ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(c.stream)));

        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.done.isDone() && serverOut.cancelled.get());
        assertThat(serverGot.error()).isInstanceOf(TransportException.class);
        assertThat(c.channel.isActive()).isTrue(); // one stream reset, the connection serves on
    }

    @Test
    void aStalledReceiverHoldsTheClientsWindowThenEverythingArrives() throws Exception {
        StreamParts.Sink serverGot = new StreamParts.Sink(0); // requests nothing
        HttpListener l = streamServer(s -> {
            s.receive(serverGot, executor);
            s.send(new StreamParts.Source(0, i -> null));
        });
        Client c = connect(l);
        c.open("b1");
        String kib = "k".repeat(1024);
        c.onLoop(() -> {
            for (int i = 0; i < 2_000; i++) {
                c.send(StreamParts.message("b1", i + ":" + kib), i == 1_999);
            }
            c.ctx.flush();
        });
        // the server hands no window back while its reader is stalled: the client's stream window runs dry
        await().atMost(Duration.ofSeconds(10)).until(() -> c.channel.eventLoop().submit(() -> {
            var codec = c.channel.pipeline().get(io.netty.handler.codec.http2.Http2FrameCodec.class);
            var stream = codec.connection().stream(c.stream.id());
            return stream != null && codec.connection().remote().flowController().windowSize(stream) == 0;
        }).get());
        assertThat(serverGot.items).isEmpty();

        serverGot.request(Long.MAX_VALUE);
        serverGot.done.orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(serverGot.items).hasSize(2_000);
        for (int i = 0; i < 2_000; i++) {
            assertThat(StreamParts.text(serverGot.items.get(i))).startsWith(i + ":");
        }
        c.ended.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void anOrdinaryReplyAnswersAStreamOpen() throws Exception {
        HttpTransport t = new HttpTransport(new HttpTransportConfig(2, HttpTransportConfig.DEFAULT_MAX_BODY_SIZE,
                Duration.ofMinutes(1), 10, Duration.ofMinutes(1), Duration.ofSeconds(5)));
        closing.add(t);
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0",
                ex -> ex.reply(new Message(Metadata.of("Content-Type", "text/plain"),
                        "not a stream".getBytes(StandardCharsets.UTF_8))));
        closing.add(l);
        Curl.Result r = Curl.run("-sS", "--max-time", "20", "--http2-prior-knowledge", "-H", "Micro-Stream: z",
                "--data-binary", "ignored", "http://" + l.address() + "/");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("not a stream");
    }

    private Client connect(HttpListener l) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        closing.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS));
        Client client = new Client();
        String[] hp = l.address().split(":");
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(), client);
                    }
                })
                .connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1]))).sync().channel();
        client.channel = ch;
        closing.add(() -> ch.close().await(2, TimeUnit.SECONDS));
        return client;
    }

    /** One HTTP/2 stream of a Netty frame-codec client: opens it, sends framed messages, reads framed ones. */
    static final class Client extends Http2ChannelDuplexHandler {

        final List<Message> got = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final ByteBuf in = Unpooled.buffer();
        volatile Http2HeadersFrame response;
        volatile Channel channel;
        volatile ChannelHandlerContext ctx;
        volatile Http2FrameStream stream;

        @Override
        public void handlerAdded0(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void onLoop(Runnable r) {
            channel.eventLoop().submit(r).syncUninterruptibly();
        }

        void open(String id) {
            onLoop(() -> {
                stream = newStream();
                Http2Headers h = new DefaultHttp2Headers().method("POST").path("/").scheme("http")
                        .authority("localhost");
                h.set("content-type", "text/plain");
                h.set("micro-service", "echo");
                h.set("micro-endpoint", "Echo.Stream");
                h.set("micro-stream", id);
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, false).stream(stream));
            });
        }

        void send(Message m, boolean last) {
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(frame(m)), last).stream(stream));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    response = h;
                    if (h.isEndStream()) {
                        ended.complete(null);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    in.writeBytes(d.content());
                    unframe(in, got);
                    in.discardReadBytes();
                    if (d.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
                    }
                    if (d.isEndStream()) {
                        ended.complete(null);
                    }
                } else if (msg instanceof Http2ResetFrame r) {
                    ended.completeExceptionally(new IOException("reset: " + r.errorCode()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
