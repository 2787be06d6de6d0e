package dev.shotover.transforms.valkey.timestamp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.valkey.ValkeyFrame;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LastModifiedTest {

    @Test
    void attachedTimeIsARespThreeAttributeOnTheReply() {
        ValkeyFrame stamped = LastModified.attach(ValkeyFrame.bulk("v"), 1234);

        assertThat(stamped).isEqualTo(new ValkeyFrame.Attribute(List.of(ValkeyFrame.bulk(
                "shotover-last-modified-micros"), new ValkeyFrame.Integer(1234)), ValkeyFrame.bulk("v")));
        assertThat(LastModified.read(stamped)).isEqualTo(OptionalLong.of(1234));
        assertThat(LastModified.strip(stamped)).isEqualTo(ValkeyFrame.bulk("v"));
    }

    @Test
    void otherAttributesAreNeitherReadNorStripped() {
        ValkeyFrame other = new ValkeyFrame.Attribute(List.of(ValkeyFrame.bulk("key-popularity"),
                new ValkeyFrame.Integer(3)), ValkeyFrame.bulk("v"));
        ValkeyFrame both = new ValkeyFrame.Attribute(List.of(ValkeyFrame.bulk("key-popularity"),
                new ValkeyFrame.Integer(3), ValkeyFrame.bulk(LastModified.ATTRIBUTE_KEY), new ValkeyFrame.Integer(9)),
                ValkeyFrame.bulk("v"));

        assertThat(LastModified.read(other)).isEmpty();
        assertThat(LastModified.strip(other)).isSameAs(other);
        assertThat(LastModified.read(both)).isEqualTo(OptionalLong.of(9));
        assertThat(LastModified.strip(both)).isEqualTo(other);
        assertThat(LastModified.read(ValkeyFrame.bulk("plain"))).isEmpty();
        assertThat(LastModified.strip(ValkeyFrame.ok())).isEqualTo(ValkeyFrame.ok());
    }

    @Test
    void theClockIsMicrosecondsAndStrictlyIncreasingEvenWhenTheWallClockStandsStillOrStepsBack() {
        AtomicLong millis = new AtomicLong(1_000);
        LastModifiedClock clock = new LastModifiedClock(millis::get);

        assertThat(clock.next()).isEqualTo(1_000_000);
        assertThat(clock.next()).isEqualTo(1_000_001);
        millis.set(999);
        assertThat(clock.next()).isEqualTo(1_000_002);
        millis.set(2_000);
        assertThat(clock.next()).isEqualTo(2_000_000);
    }
}
