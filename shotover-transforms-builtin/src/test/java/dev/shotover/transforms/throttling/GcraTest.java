package dev.shotover.transforms.throttling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GcraTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Gcra limiter = new Gcra(50, now::get);

    @Test
    void aFullBurstPassesAtOnceAndTheNextCellWaitsOneEmissionInterval() {
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.tryAcquire(1)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(50);
        now.addAndGet(19_000_000L);
        assertThat(limiter.tryAcquire(1)).isFalse();
        now.addAndGet(1_000_000L);
        assertThat(limiter.tryAcquire(1)).isTrue();
        assertThat(limiter.tryAcquire(1)).isFalse();
    }

    @Test
    void theSteadyRateIsTheConfiguredOne() {
        int allowed = 0;
        // 10 seconds in 1 ms steps, asking far more often than allowed
        for (int ms = 0; ms < 10_000; ms++) {
            now.addAndGet(1_000_000L);
            while (limiter.tryAcquire(1)) {
                allowed++;
            }
        }
        // the initial burst plus 50 per second
        assertThat(allowed).isBetween(549, 551);
    }

    @Test
    void aRequestOfManyCellsCostsThemAllAndOneLargerThanTheBurstNeverPasses() {
        assertThat(limiter.tryAcquire(60)).isFalse();
        assertThat(limiter.tryAcquire(25)).isTrue();
        assertThat(limiter.tryAcquire(25)).isTrue();
        assertThat(limiter.tryAcquire(1)).isFalse();
        now.addAndGet(10_000_000_000L);
        assertThat(limiter.tryAcquire(60)).isFalse();
        assertThat(limiter.tryAcquire(50)).isTrue();
    }
}
