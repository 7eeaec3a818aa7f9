package io.microcdi.rpc;

import io.microcdi.annotation.Endpoint;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.rpc.RpcEndToEndTest.Hello;
import io.microcdi.rpc.RpcEndToEndTest.Reply;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the caller's continuations run, and what a stop does to answers still on their way. */
class ContinuationsAndStopTest {

    @Endpoint("Greeter")
    public interface GreeterApi {
        @Endpoint("Greeter.Nope")
        CompletionStage<Reply> missingAsync(Hello h);

        CompletionStage<Reply> helloLaterAsync(Hello h);

        Reply hello(Hello h);
    }

    /** Answers 32 MiB once released. */
    public static class Big {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        public Reply big(Hello h) throws InterruptedException {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return new Reply("x".repeat(32 << 20));
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final List<Runnable> closers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        closers.forEach(Runnable::run);
        registry.close();
    }

    private HttpTransport transport(Map<String, String> cfg) {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(cfg)));
        closers.add(t::close);
        return t;
    }

    private RpcServer server(HttpTransport t, Object bean, Map<String, String> cfg) {
        RpcServer s = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(cfg)), registry, t,
                Codecs.of(List.of(new JsonCodec())));
        s.handle(ServiceModel.define(bean.getClass(), bean, "greeter", "1"));
        s.start();
        closers.add(0, s::stop);
        return s;
    }

    private GreeterApi api(HttpTransport t) {
        return api(t, "2s");
    }

    private GreeterApi api(HttpTransport t, String requestTimeout) {
        RpcClient c = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(
                Map.of("micro.client.request-timeout", requestTimeout))), CachingSelector.of("random", registry), t);
        return ClientProxies.create(GreeterApi.class, "greeter", c, new JsonCodec());
    }

    @Test
    void aFailedAsyncCallContinuesOffTheIoThreads() throws Exception {
        HttpTransport t = transport(Map.of());
        server(t, new RpcEndToEndTest.Greeter(), Map.of());
        AtomicReference<String> thread = new AtomicReference<>();
        api(t).missingAsync(new Hello("x")).exceptionally(e -> {
            thread.set(Thread.currentThread().getName());
            return null;
        }).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(thread.get()).doesNotStartWith("microcdi-io");
    }

    @Test
    void aFallbackMayCallSynchronouslyWithOneIoThread() throws Exception {
        HttpTransport t = transport(Map.of("micro.transport.http.io-threads", "1"));
        server(t, new RpcEndToEndTest.Greeter(), Map.of());
        GreeterApi api = api(t);
        Reply r = api.missingAsync(new Hello("a"))
                .exceptionally(e -> api.hello(new Hello("b")))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r).isEqualTo(new Reply("Hello b"));
    }

    @Test
    void manyContinuationsThatBlockOnOtherCallsAllComplete() throws Exception {
        HttpTransport t = transport(Map.of());
        server(t, new RpcEndToEndTest.Greeter(), Map.of());
        // a deadlock shows as calls that never complete (the 30 s below), not as slow ones: on a busy 2-core machine
        // 400 calls take longer than a 2 s call timeout
        GreeterApi api = api(t, "20s");
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(api.helloLaterAsync(new Hello("o" + i))
                    .thenApply(r -> api.helloLaterAsync(new Hello("i")).toCompletableFuture().join().greeting())
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(all).allSatisfy(f -> assertThat(f.join()).isEqualTo("Later i"));
    }

    @Test
    void aLargeAnswerInFlightAtStopIsWrittenWhole() throws Exception {
        HttpTransport t = transport(Map.of());
        Big big = new Big();
        // no grace: the stop must already be draining when the answer is written
        RpcServer s = server(t, big, Map.of("micro.server.shutdown-timeout", "10s", "micro.server.shutdown-grace", "0"));
        try (Socket sock = new Socket()) {
            sock.setReceiveBufferSize(4096);
            String a = s.address();
            int colon = a.lastIndexOf(':');
            sock.connect(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
            byte[] body = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            sock.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Micro-Endpoint: Big.Big\r\nContent-Length: " + body.length + "\r\n\r\n{\"name\":\"x\"}")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(big.entered.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::stop);
            CompletableFuture<String> reading = CompletableFuture.supplyAsync(() -> readAll(sock));
            big.release.countDown();
            stopping.get(20, TimeUnit.SECONDS); // returns once the answer was written and the connection closed
            String all = reading.get(20, TimeUnit.SECONDS);
            int headerEnd = all.indexOf("\r\n\r\n");
            assertThat(all.substring(0, headerEnd)).containsIgnoringCase("Connection: close");
            assertThat(all.length() - headerEnd - 4).isGreaterThan(32 << 20);
        }
    }

    private static String readAll(Socket s) {
        try {
            s.setSoTimeout(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
