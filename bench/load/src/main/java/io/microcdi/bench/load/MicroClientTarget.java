package io.microcdi.bench.load;

import io.microcdi.Micro;
import io.microcdi.annotation.MicroClient;
import io.microcdi.examples.greeter.GreeterApi;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;
import jakarta.enterprise.inject.se.SeContainer;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The MicroCDI greeter called through its own typed client: the client side of the greeter example booted in this
 * JVM on Weld SE ({@code micro.server.enabled=false}: it serves nothing), the injected
 * {@code @MicroClient("greeter") GreeterApi}, found over the default registry (mDNS on loopback) and called over
 * the default transport and codec (HTTP, JSON). Loops call {@code helloAsync}, so the same closed loop drives it.
 */
final class MicroClientTarget implements Target {

    private final HelloRequest request = new HelloRequest("John");
    private SeContainer container;
    private GreeterApi greeter;

    @Override
    public String name() {
        return "microclient";
    }

    @Override
    public void open(int loops) {
        if (container != null) {
            return;
        }
        System.setProperty("micro.server.enabled", "false");
        container = Micro.start();
        greeter = container.select(GreeterApi.class, MicroClient.Literal.of("greeter")).get();
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
        return greeter.helloAsync(request).toCompletableFuture();
    }

    /** The registry the client looks the greeter up in (the default: mDNS on loopback). */
    io.microcdi.registry.Registry registry() {
        return container.select(io.microcdi.registry.Registry.class).get();
    }

    @Override
    public void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
    }
}
