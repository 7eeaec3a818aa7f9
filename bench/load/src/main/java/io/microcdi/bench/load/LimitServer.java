package io.microcdi.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The limit: a raw Netty 4.1 HTTP/1.1 server with Jackson and no framework, answering the greeter call the way the
 * MicroCDI greeter does.
 *
 * <pre>{@code
 * POST /  Content-Type: application/json  Micro-Service: greeter  Micro-Endpoint: Greeter.Hello
 * {"name":"John"}   ->   200 {"greeting":"Hello John"}     (keep-alive)
 * }</pre>
 *
 * Another endpoint is a 400 with a Go Micro error body. NIO transport (as MicroCDI's HTTP transport), the handler
 * runs on the I/O thread: nothing in it blocks, and that is the fastest a server can be.
 *
 * <pre>{@code
 * java -jar load-bench.jar limit --port 8080
 * }</pre>
 */
final class LimitServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NioEventLoopGroup boss = new NioEventLoopGroup(1);
    private final NioEventLoopGroup workers = new NioEventLoopGroup();
    private final Channel channel;

    LimitServer(String host, int port) throws InterruptedException {
        channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), Handler.INSTANCE);
                    }
                })
                .bind(host, port).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully();
        workers.shutdownGracefully();
    }

    /** The request, as the greeter's {@code HelloRequest}. */
    record In(String name) {
    }

    /** The reply, as the greeter's {@code HelloReply}. */
    record Out(String greeting) {
    }

    @ChannelHandler.Sharable
    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        static final Handler INSTANCE = new Handler();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            FullHttpResponse res;
            if (!HttpMethod.POST.equals(req.method())) {
                res = error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            } else if (!"Greeter.Hello".equals(req.headers().get("Micro-Endpoint"))) {
                res = error(ctx, HttpResponseStatus.BAD_REQUEST, "unknown endpoint " + req.headers().get("Micro-Endpoint"));
            } else {
                In in = JSON.readValue((InputStream) new ByteBufInputStream(req.content()), In.class);
                if (in == null || in.name() == null || in.name().isBlank()) {
                    res = error(ctx, HttpResponseStatus.BAD_REQUEST, "name is required");
                } else {
                    res = json(ctx, HttpResponseStatus.OK, new Out("Hello " + in.name()));
                }
            }
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse error(ChannelHandlerContext ctx, HttpResponseStatus status, String detail)
                throws IOException {
            return json(ctx, status, Map.of("id", "limit", "code", status.code(), "detail", detail,
                    "status", status.reasonPhrase()));
        }

        private static FullHttpResponse json(ChannelHandlerContext ctx, HttpResponseStatus status, Object value)
                throws IOException {
            ByteBuf buf = ctx.alloc().buffer(64);
            try (OutputStream out = new ByteBufOutputStream(buf)) {
                JSON.writeValue(out, value);
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
            return res;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
