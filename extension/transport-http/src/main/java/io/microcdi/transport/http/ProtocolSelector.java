package io.microcdi.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first handler of an accepted connection: picks HTTP/1.1 or HTTP/2, sets up that protocol's handlers behind
 * itself, and leaves, handing them the bytes read so far.
 *
 * <pre>{@code
 * ch.pipeline().addLast(new IdleStateHandler(...), new ProtocolSelector(listener, tls));
 * }</pre>
 *
 * <p>With TLS the handshake decides: ALPN {@code h2} is HTTP/2, anything else (or no ALPN) HTTP/1.1. In plain text
 * the first bytes decide: the HTTP/2 connection preface ({@code PRI * HTTP/2.0...}, "prior knowledge") is HTTP/2,
 * anything else HTTP/1.1 (the second byte of a {@code POST} already tells). The HTTP/1.1 {@code Upgrade: h2c} dance is
 * not offered: such a request is answered over HTTP/1.1, which every client accepts.
 */
final class ProtocolSelector extends ByteToMessageDecoder {

    /** RFC 9113 section 3.4: what an HTTP/2 client sends first. */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final System.Logger LOG = System.getLogger(ProtocolSelector.class.getName());

    private final HttpListener listener;
    private final boolean tls;

    ProtocolSelector(HttpListener listener, boolean tls) {
        this.listener = listener;
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (tls) {
            return; // the handshake's event decides; keep what arrives meanwhile
        }
        int n = Math.min(in.readableBytes(), PREFACE.length);
        int at = in.readerIndex();
        for (int i = 0; i < n; i++) {
            if (in.getByte(at + i) != PREFACE[i]) {
                http1(ctx);
                return;
            }
        }
        if (n == PREFACE.length) {
            http2(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                ctx.close(); // a plain-text or refused client: the TLS handler has already said why
                return;
            }
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                http2(ctx);
            } else {
                http1(ctx);
            }
            return;
        }
        if (evt instanceof IdleStateEvent || evt == ServerConnection.DRAIN) {
            ctx.close(); // nothing asked yet: nothing to answer
            return;
        }
        super.userEventTriggered(ctx, evt); // on input shutdown, picks HTTP/1.1 if a few bytes came
        if (evt instanceof ChannelInputShutdownEvent && !ctx.isRemoved()) {
            ctx.close(); // the client shut its side down without asking anything
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        listener.transport().onLoopError(cause);
        // a failed handshake (no or an untrusted client certificate, plain text on a TLS port): the peer was told
        LOG.log(Level.DEBUG, () -> "closing connection from " + HttpWire.format(ctx.channel().remoteAddress())
                + " before its first request: " + cause);
        ctx.close();
    }

    private void http1(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "http", new HttpRequestDecoder(listener.decoderConfig()));
        p.addAfter("http", "mucp", new ServerConnection(listener, ch));
        p.remove(this); // hands over the bytes read so far
    }

    private void http2(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        ChannelPipeline p = ctx.pipeline();
        // one flush for every answer written in a loop turn: many calls on one connection leave in one write
        p.addAfter(ctx.name(), "flush", new FlushConsolidationHandler(Http2ClientConnection.FLUSH_AFTER, true));
        p.addAfter("flush", "h2", Http2ServerConnection.codec(listener.maxConcurrentStreams()));
        p.addAfter("h2", "mucp", new Http2ServerConnection(listener, ch));
        if (p.get("guard") != null) {
            p.remove("guard"); // HTTP/2 frames its requests itself; Http2ServerRequest charges bodies it holds
        }
        p.remove(this);
    }
}
