package io.microcdi.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.microcdi.errors.MicroException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket and the cap on calls in progress, on a clock the test moves. */
class LimitsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstThenTheRate() {
        Limits l = new Limits(10, 3, 0, now::get);
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNull();
        MicroException refused = l.admit();
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(429);
        assertThat(refused.detail()).contains("rate limit of 10 calls/s");
        now.addAndGet(100_000_000L); // one token every 100 ms
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNotNull();
        now.addAndGet(1_000_000_000L); // a second later the bucket holds a burst again, not more
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNotNull();
    }

    @Test
    void callsInProgress() {
        Limits l = new Limits(0, 1, 2, now::get);
        assertThat(l.admit()).isNull();
        assertThat(l.admit()).isNull();
        MicroException refused = l.admit();
        assertThat(refused.code()).isEqualTo(429);
        assertThat(refused.detail()).contains("too many calls in progress (2 at most)");
        l.release();
        assertThat(l.admit()).isNull();
    }

    @Test
    void noLimitAdmitsAll() {
        Limits l = new Limits(0, 1, 0, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(l.admit()).isNull();
        }
    }
}
