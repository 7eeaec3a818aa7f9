package io.microcdi.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP/1.1 load client: Netty (NIO, one event-loop thread, as the gRPC client), one keep-alive connection per
 * loop, a pre-encoded request written as bytes (as wrk does), responses parsed by {@link HttpResponseDecoder}.
 *
 * <pre>{@code
 * POST / HTTP/1.1   Content-Type: application/json   Micro-Service: greeter   Micro-Endpoint: Greeter.Hello
 * {"name":"John"}
 * }</pre>
 *
 * A non-200 answer, or one carrying {@code Micro-Error}, fails the call. A connection the server closed is opened again on the loop's next call.
 */
final class HttpTarget implements Target {

    private static final String BODY = "{\"name\":\"John\"}";

    private final String name;
    private final String host;
    private final int port;
    private final NioEventLoopGroup group;
    private final String endpoint;
    private final ByteBuf request;
    private Bootstrap bootstrap;
    private Conn[] conns = new Conn[0];

    HttpTarget(String name, String host, int port, NioEventLoopGroup group) {
        this(name, host, port, group, "Greeter.Hello");
    }

    /** A target calling {@code endpoint} of the greeter (the load bench's non-blocking row calls another one). */
    HttpTarget(String name, String host, int port, NioEventLoopGroup group, String endpoint) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.group = group;
        this.endpoint = endpoint;
        String head = "POST / HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Micro-Service: greeter\r\n"
                + "Micro-Endpoint: " + endpoint + "\r\n"
                + "Content-Length: " + BODY.length() + "\r\n"
                + "\r\n" + BODY;
        this.request = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes(head.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void open(int loops) throws InterruptedException {
        bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .remoteAddress(host, port)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpResponseDecoder(), new Conn());
                    }
                });
        conns = new Conn[loops];
        for (int i = 0; i < loops; i++) {
            conns[i] = bootstrap.connect().sync().channel().pipeline().get(Conn.class);
        }
    }

    @Override
    public String check() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        java.net.http.HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/"))
                .header("Content-Type", "application/json")
                .header("Micro-Service", "greeter")
                .header("Micro-Endpoint", endpoint)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), BodyHandlers.ofString());
        if (res.statusCode() != 200 || !res.body().contains("\"greeting\":\"Hello John\"")) {
            throw new IOException(name + ": unexpected answer " + res.statusCode() + " " + res.body());
        }
        return res.body();
    }

    @Override
    public CompletableFuture<?> call(int loop) {
        Conn conn = conns[loop];
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (conn != null && conn.channel != null && conn.channel.isActive()) {
            conn.send(done, request);
        } else {
            // the server closed it (idle timeout) or a failure did: a new connection for this loop
            bootstrap.connect().addListener(f -> {
                if (f.isSuccess()) {
                    Conn c = ((io.netty.channel.ChannelFuture) f).channel().pipeline().get(Conn.class);
                    conns[loop] = c;
                    c.send(done, request);
                } else {
                    done.completeExceptionally(f.cause());
                }
            });
        }
        return done;
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            if (c != null && c.channel != null) {
                c.channel.close();
            }
        }
    }

    /** One connection: at most one call in flight. */
    private static final class Conn extends ChannelInboundHandlerAdapter {
        volatile Channel channel;
        private CompletableFuture<Void> pending;
        private int status;

        void send(CompletableFuture<Void> done, ByteBuf request) {
            Channel ch = channel;
            if (ch.eventLoop().inEventLoop()) {
                pending = done;
                ch.writeAndFlush(request.duplicate(), ch.voidPromise());
            } else {
                ch.eventLoop().execute(() -> send(done, request));
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    // mucp answers errors with 200 and a Micro-Error header: a failed call, not a fast one
                    status = r.headers().contains("Micro-Error") ? 500 : r.status().code();
                }
                if (msg instanceof LastHttpContent) {
                    CompletableFuture<Void> p = pending;
                    pending = null;
                    if (p != null) {
                        if (status == 200) {
                            p.complete(null);
                        } else {
                            p.completeExceptionally(new IOException("HTTP " + status));
                        }
                    }
                } else if (msg instanceof HttpContent) {
                    // body bytes: not looked at under load (check() verified the answer)
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("connection closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void fail(Throwable cause) {
            CompletableFuture<Void> p = pending;
            pending = null;
            if (p != null) {
                p.completeExceptionally(cause);
            }
        }
    }
}
