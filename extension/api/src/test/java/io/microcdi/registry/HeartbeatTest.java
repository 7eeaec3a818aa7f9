package io.microcdi.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeartbeatTest {

    @Test
    void beatsAgainAndAgainOnADaemonThreadUntilStopped() {
        AtomicInteger beats = new AtomicInteger();
        AtomicBoolean daemon = new AtomicBoolean(true);
        Heartbeat hb = Heartbeat.start("test-beat", Duration.ofMillis(20), () -> {
            daemon.compareAndSet(true, Thread.currentThread().isDaemon()
                    && Thread.currentThread().getName().startsWith("test-beat-"));
            beats.incrementAndGet();
        });
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> beats.get() >= 3);
        } finally {
            hb.stop(Duration.ofSeconds(5));
        }
        assertThat(hb.stopped()).isTrue();
        assertThat(daemon).as("every beat ran on a daemon thread named after the heartbeat").isTrue();
        int afterStop = beats.get();
        // a stopped heartbeat's thread is gone: nothing can beat any more
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> beats.get() == afterStop);
    }

    @Test
    void stopWaitsForTheBeatInProgress() throws Exception {
        CountDownLatch inBeat = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Heartbeat hb = Heartbeat.start("test-slow-beat", Duration.ofMillis(10), () -> {
            inBeat.countDown();
            // stop interrupts the timer thread: keep going as a registry call that ignores interrupts would
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            finished.set(true);
        });
        assertThat(inBeat.await(5, TimeUnit.SECONDS)).isTrue();
        hb.stop(Duration.ofSeconds(5));
        assertThat(finished).as("the beat in progress finished before stop returned").isTrue();
    }
}
