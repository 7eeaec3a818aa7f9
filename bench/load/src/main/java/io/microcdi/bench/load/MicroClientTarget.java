package io.microcdi.bench.load;

import io.microcdi.annotation.MicroClient;
import io.microcdi.examples.greeter.GreeterApi;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.bootstrap.spi.BeanDiscoveryMode;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The MicroCDI greeter called through its own typed client: the client side of the greeter example booted in this
 * JVM on Weld SE ({@code micro.server.enabled=false}: it serves nothing), the injected
 * {@code @MicroClient("greeter") GreeterApi}, found over the default registry (mDNS on loopback) and called over
 * the default transport and codec (HTTP, JSON). Loops call {@code helloAsync}, so the same closed loop drives it.
 *
 * <p>Two of them run side by side, each in a Weld container of its own: {@code microclient} on the defaults, which
 * send calls to the greeter (it registered {@code calls=h2}) on HTTP/2 streams of one shared connection, and
 * {@code microclient-h1} with {@code micro.transport.http.h2-calls=false}, on pooled HTTP/1.1 connections as to a
 * Go Micro node. The configuration is read when a container starts its transport, so each one is started, and
 * called once, with its own setting in place. A third, {@code microclient-nb}, shares the first one's container and
 * calls {@code helloNowAsync}: {@code Greeter.HelloNow}, which the greeter serves on its I/O thread, as gRPC-java
 * with a direct executor serves its calls.
 */
final class MicroClientTarget implements Target {

    private final HelloRequest request = new HelloRequest("John");
    private final String name;
    private final boolean h2;
    private final boolean nonBlocking;
    private SeContainer container;
    private GreeterApi greeter;

    MicroClientTarget(String name, boolean h2) {
        this(name, h2, false);
    }

    /** {@code nonBlocking}: loops call {@code helloNowAsync} ({@code Greeter.HelloNow}, served on the I/O thread). */
    MicroClientTarget(String name, boolean h2, boolean nonBlocking) {
        this.name = name;
        this.h2 = h2;
        this.nonBlocking = nonBlocking;
    }

    @Override
    public String name() {
        return name;
    }

    /** A target calling {@code Greeter.HelloNow} through the container {@code of} has started. */
    MicroClientTarget nonBlocking(String name) {
        MicroClientTarget t = new MicroClientTarget(name, h2, true);
        t.container = container;
        t.greeter = greeter;
        t.shared = true;
        return t;
    }

    /** Whether the container is another target's, which closes it. */
    private boolean shared;

    @Override
    public void open(int loops) {
        if (container != null) {
            return;
        }
        System.setProperty("micro.server.enabled", "false");
        System.setProperty("micro.transport.http.h2-calls", Boolean.toString(h2));
        // a fresh MicroProfile Config for this container, with the setting above
        ConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig());
        // Micro.start's container, under a name of its own: two run in this JVM
        container = new Weld(name).property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .setBeanDiscoveryMode(BeanDiscoveryMode.ANNOTATED).addPackages(true, MicroClientTarget.class)
                .initialize();
        greeter = container.select(GreeterApi.class, MicroClient.Literal.of("greeter")).get();
        if (!"Hello John".equals(greeter.hello(request).greeting())) { // the transport starts with its setting
            throw new IllegalStateException(name + ": unexpected answer");
        }
    }

    @Override
    public String check() throws IOException {
        open(1);
        HelloReply reply = greeter.hello(request);
        if (!"Hello John".equals(reply.greeting())) {
            throw new IOException("microclient: unexpected answer " + reply);
        }
        return reply.greeting();
    }

    @Override
    public CompletableFuture<?> call(int loop) {
        return (nonBlocking ? greeter.helloNowAsync(request) : greeter.helloAsync(request)).toCompletableFuture();
    }

    /** The registry the client looks the greeter up in (the default: mDNS on loopback). */
    io.microcdi.registry.Registry registry() {
        return container.select(io.microcdi.registry.Registry.class).get();
    }

    @Override
    public void close() {
        if (!shared && container != null && container.isRunning()) {
            container.close();
        }
    }
}
