package io.microcdi.registry.gossip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.scalecube.cluster.transport.api.Message;
import io.scalecube.cluster.transport.api.Transport;
import io.scalecube.cluster.transport.api.TransportConfig;
import io.scalecube.cluster.transport.api.TransportFactory;
import io.scalecube.net.Address;
import io.scalecube.transport.netty.Receiver;
import io.scalecube.transport.netty.Sender;
import io.scalecube.transport.netty.TransportImpl;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * scalecube's TCP transport, bound to the configured address instead of every interface, with each frame sealed by
 * the {@link TrafficCipher} when a secret is set.
 *
 * <pre>{@code
 * clusterConfig.transport(t -> t.transportFactory(new MemberTransport(bind, cipher)))
 * }</pre>
 *
 * <p>scalecube's own factory listens on {@code 0.0.0.0} and advertises the first site-local address: a member meant
 * for loopback would be reachable from the network. Here the server listens on {@code bind} and outgoing connections
 * leave from it too (unless it is the wildcard). Frames are length-prefixed as in scalecube; with a secret, a frame
 * that fails to open closes its connection, so a member with another secret (or none) gets no answer and is never
 * admitted, and what it sent is never deserialized.
 */
final class MemberTransport implements TransportFactory {

    private static final System.Logger LOG = System.getLogger(MemberTransport.class.getName());
    private static final int LENGTH_FIELD = 4;
    private static final long REJECT_LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final InetAddress bind;
    private final TrafficCipher cipher;
    /** Frames that failed to open, in all: a test reads it. */
    private final AtomicLong rejected = new AtomicLong();
    /** Remote host to when a rejection from it was last logged: one line a minute per host. */
    private final Map<String, Long> rejectLogged = new ConcurrentHashMap<>();
    /** Every open connection, both ways: {@link #sever()} closes them. */
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean severed;

    /** Binds to {@code bind}; seals frames with {@code cipher}, or sends them in the clear when it is {@code null}. */
    MemberTransport(InetAddress bind, TrafficCipher cipher) {
        this.bind = bind;
        this.cipher = cipher;
    }

    @Override
    public Transport createTransport(TransportConfig config) {
        return new TransportImpl(config.messageCodec(), new BoundReceiver(config), new BoundSender(config),
                config.addressMapper());
    }

    /** Frames that failed to open since this transport was made. */
    long rejectedFrames() {
        return rejected.get();
    }

    /**
     * Cuts this member off as if its process had died: every connection is closed, new ones are closed as they open,
     * nothing more is sent. The fault tests kill a member this way; nothing else calls it.
     */
    void sever() {
        severed = true;
        channels.forEach(Channel::close);
    }

    private void frames(Channel channel, int maxFrameLength) {
        if (severed) {
            channel.close();
            return;
        }
        channels.add(channel);
        channel.closeFuture().addListener(f -> channels.remove(channel));
        ChannelPipeline p = channel.pipeline();
        // head to tail: prepender (outbound), frame decoder (inbound), sealing (both), then reactor-netty's bridge
        if (cipher != null) {
            p.addFirst(new SealedFrames());
        }
        int max = maxFrameLength + (cipher != null ? TrafficCipher.OVERHEAD : 0);
        p.addFirst(new LengthFieldBasedFrameDecoder(max, 0, LENGTH_FIELD, 0, LENGTH_FIELD));
        p.addFirst(new LengthFieldPrepender(LENGTH_FIELD));
    }

    private final class BoundReceiver implements Receiver {

        private final TransportConfig config;

        BoundReceiver(TransportConfig config) {
            this.config = config;
        }

        @Override
        public Mono<DisposableServer> bind() {
            return Mono.deferContextual(context -> Mono.just(context.get(TransportImpl.ReceiverContext.class)))
                    .flatMap(context -> TcpServer.create()
                            .runOn(context.loopResources())
                            .host(bind.getHostAddress())
                            .port(config.port())
                            .childOption(ChannelOption.TCP_NODELAY, true)
                            .childOption(ChannelOption.SO_KEEPALIVE, true)
                            .doOnChannelInit((observer, channel, remote) ->
                                    frames(channel, config.maxFrameLength()))
                            .handle((in, out) -> in.receive().retain().doOnNext(context::onMessage).then())
                            .bind()
                            .cast(DisposableServer.class));
        }
    }

    private final class BoundSender implements Sender {

        private final TransportConfig config;

        BoundSender(TransportConfig config) {
            this.config = config;
        }

        @Override
        public Mono<Connection> connect(Address address) {
            if (severed) {
                return Mono.error(new ConnectException("this member was cut off"));
            }
            return Mono.deferContextual(context -> Mono.just(context.get(TransportImpl.SenderContext.class)))
                    .map(context -> {
                        TcpClient client = TcpClient.newConnection()
                                .runOn(context.loopResources())
                                .host(address.host())
                                .port(address.port())
                                .option(ChannelOption.TCP_NODELAY, true)
                                .option(ChannelOption.SO_KEEPALIVE, true)
                                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeout())
                                .doOnChannelInit((observer, channel, remote) ->
                                        frames(channel, config.maxFrameLength()));
                        if (!bind.isAnyLocalAddress()) {
                            client = client.bindAddress(() -> new InetSocketAddress(bind, 0));
                        }
                        return client;
                    })
                    .flatMap(TcpClient::connect);
        }

        @Override
        public Mono<Void> send(Message message) {
            return Mono.deferContextual(context -> {
                Connection connection = context.get(Connection.class);
                TransportImpl.SenderContext sender = context.get(TransportImpl.SenderContext.class);
                return connection.outbound()
                        .sendObject(Mono.just(message).map(sender.messageEncoder()), b -> true)
                        .then();
            });
        }
    }

    /** Opens inbound frames and seals outbound ones; a frame that does not open closes the connection. */
    private final class SealedFrames extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
            byte[] sealed;
            try {
                sealed = ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
            byte[] plain;
            try {
                plain = cipher.open(sealed);
            } catch (GeneralSecurityException e) {
                reject(ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            ctx.fireChannelRead(Unpooled.wrappedBuffer(plain));
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof ByteBuf frame)) {
                ctx.write(msg, promise);
                return;
            }
            byte[] plain;
            try {
                plain = ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
            try {
                ctx.write(Unpooled.wrappedBuffer(cipher.seal(plain)), promise);
            } catch (GeneralSecurityException e) {
                promise.setFailure(e);
            }
        }
    }

    private void reject(SocketAddress remote) {
        rejected.incrementAndGet();
        String host = remote instanceof InetSocketAddress a ? a.getHostString() : String.valueOf(remote);
        long now = System.nanoTime();
        Long last = rejectLogged.get(host);
        if (last == null || now - last > REJECT_LOG_EVERY_NANOS) {
            rejectLogged.put(host, now);
            LOG.log(Level.WARNING, "gossip: closed a connection with {0}: a frame did not open with this member''s "
                    + "secret (a member with another micro.registry.gossip.secret, or none, is not admitted)",
                    remote);
        }
    }
}
