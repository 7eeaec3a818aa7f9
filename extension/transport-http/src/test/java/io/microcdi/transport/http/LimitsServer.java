package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A server in a JVM of its own, for tests that need one to fail (an {@link OutOfMemoryError}) or to be measured
 * (heap and direct memory under abuse): an {@link HttpTransport} listener on {@code 127.0.0.1}, configured by
 * {@code key=value} arguments, that echoes every call (or answers {@code X-Answer-Size} zero bytes) and answers
 * {@code POST /stats} with its memory in use.
 *
 * <pre>{@code
 * java -Xmx64m -cp ... io.microcdi.transport.http.LimitsServer micro.transport.http.max-pending-bytes=1g
 * # prints: listening 127.0.0.1:40123
 * }</pre>
 */
public final class LimitsServer {

    private LimitsServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> config = new HashMap<>();
        config.put(HttpTransportConfig.IO_THREADS, "2");
        for (String a : args) {
            int eq = a.indexOf('=');
            config.put(a.substring(0, eq), a.substring(eq + 1));
        }
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(config)));
        var l = t.listen("127.0.0.1:0", ex -> {
            if (ex.path().equals("/stats")) {
                ex.reply(new Message(Metadata.of("Content-Type", "application/json"),
                        stats(t).getBytes(StandardCharsets.UTF_8)));
            } else if (ex.request().header().get("X-Answer-Size") != null) {
                ex.reply(new Message(Metadata.of("Content-Type", "application/octet-stream"),
                        new byte[Integer.parseInt(ex.request().header().get("X-Answer-Size"))]));
            } else {
                ex.reply(ex.request());
            }
        });
        System.out.println("listening " + l.address());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Heap in use after a GC, Netty's direct memory and the JDK's direct buffers, the bytes charged to the budget. */
    static String stats(HttpTransport t) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return "{\"heapUsed\":" + (rt.totalMemory() - rt.freeMemory())
                + ",\"heapMax\":" + rt.maxMemory()
                + ",\"nettyDirect\":" + PlatformDependent.usedDirectMemory()
                + ",\"pooledDirect\":" + PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                + ",\"jdkDirect\":" + direct
                + ",\"pending\":" + t.pendingBytes().used()
                + ",\"connections\":" + t.serverConnections() + "}";
    }
}
