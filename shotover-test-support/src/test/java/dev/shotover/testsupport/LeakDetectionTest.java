package dev.shotover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A leaked buffer makes the log assertion fail, without waiting for a lucky later allocation. */
class LeakDetectionTest {
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void aLeakedBufferFailsTheLogAssertion() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        leakOneBuffer();
        assertThatThrownBy(logs::assertNoUnexpectedWarnOrError)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LEAK:");
    }

    @Test
    void releasedBuffersPass() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(32);
        buffer.writeLong(7);
        buffer.release();
        logs.assertNoUnexpectedWarnOrError();
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(32);
        leaked.writeLong(42);
        // dropped without release()
    }
}
