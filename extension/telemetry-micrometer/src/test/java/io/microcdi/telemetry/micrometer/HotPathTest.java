package io.microcdi.telemetry.micrometer;

import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What a call costs once its meters exist, and the meter caches under concurrent first use. */
class HotPathTest {

    private static final Metadata NONE = Metadata.empty();

    @Test
    void aCallAllocatesItsTwoTimingsAndNothingElse() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean,
                "this JVM does not count the bytes a thread allocates (HotSpot does)");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerTelemetry telemetry = new MicrometerTelemetry(registry, MicrometerTelemetryConfig.DEFAULT);
        List<Observation> ended = new ArrayList<>(1);
        oneCall(telemetry, ended, 10_000); // meters made, code compiled or not: allocation is the same either way
        long id = Thread.currentThread().getId();
        int calls = 20_000;
        long before = threads.getThreadAllocatedBytes(id);
        oneCall(telemetry, ended, calls);
        long perCall = (threads.getThreadAllocatedBytes(id) - before) / calls;
        // two Timings of 24 bytes (a server call and a client call; an attempt allocates nothing); a lookup through
        // the registry instead would build ids and tags: hundreds of bytes
        assertThat(perCall).isLessThanOrEqualTo(64);
        assertThat(registry.get("microcdi.server.requests").timer().count()).isEqualTo(30_000);
        telemetry.close();
    }

    /** A served call, a client call and its attempt; the observations escape, as they do across threads. */
    private static void oneCall(MicrometerTelemetry t, List<Observation> escape, int times) {
        for (int i = 0; i < times; i++) {
            Observation client = t.clientCall("greeter", "Greeter.Hello");
            Observation attempt = t.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:1", 1, NONE);
            Observation served = t.serverCall("mucp", "greeter", "Greeter.Hello", NONE);
            escape.add(served);
            escape.clear();
            served.end(0, null);
            attempt.end(0, null);
            client.end(0, null);
        }
    }

    @Test
    void threadsMeetingNewEndpointsShareOneSetOfMeters() throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerTelemetry telemetry = new MicrometerTelemetry(registry, MicrometerTelemetryConfig.DEFAULT);
        int threads = 4;
        int calls = 2_000;
        int endpoints = 10;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int n = 0; n < threads; n++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    String endpoint = "Greeter.E" + (i % endpoints);
                    int round = i / endpoints;
                    telemetry.serverCall("mucp", "greeter", endpoint, NONE).end(round % 2 == 0 ? 0 : 500, null);
                    telemetry.retried("greeter", endpoint, 500 + round % 4);
                }
            });
            th.start();
            running.add(th);
        }
        start.countDown();
        for (Thread th : running) {
            th.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(th.isAlive()).isFalse();
        }
        assertThat(registry.find("microcdi.server.requests").timers()).hasSize(endpoints * 2);
        assertThat(registry.find("microcdi.server.requests").timers().stream().mapToLong(Timer::count).sum())
                .isEqualTo((long) threads * calls);
        assertThat(registry.get("microcdi.server.requests").tags("endpoint", "Greeter.E0", "code", "500").timer()
                .count()).isEqualTo((long) threads * calls / endpoints / 2);
        assertThat(registry.find("microcdi.client.retries").counters()).hasSize(endpoints * 4);
        assertThat(registry.find("microcdi.server.requests.active").gauges())
                .hasSize(endpoints).allSatisfy(g -> assertThat(g.value()).isZero());
        telemetry.close();
    }
}
