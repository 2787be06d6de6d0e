package dev.shotover.transforms.valkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashSlotTest {
    private static int slot(String key) {
        return HashSlot.of(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crc16MatchesTheXmodemCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(HashSlot.crc16(check, 0, check.length)).isEqualTo(0x31C3);
    }

    @Test
    void slotsMatchWhatRedisAnswers() {
        // values from CLUSTER KEYSLOT on Redis 7
        assertThat(slot("foo")).isEqualTo(12182);
        assertThat(slot("bar")).isEqualTo(5061);
        assertThat(slot("")).isEqualTo(0);
    }

    @Test
    void hashTagsPickTheTaggedPart() {
        assertThat(slot("{user1000}.following")).isEqualTo(slot("user1000"));
        assertThat(slot("{user1000}.followers")).isEqualTo(slot("user1000"));
        assertThat(slot("foo{bar}{zap}")).isEqualTo(slot("bar"));
        // an empty tag does not count: the whole key is hashed
        assertThat(slot("foo{}{bar}")).isNotEqualTo(slot("bar"));
        assertThat(slot("foo{{bar}}zap")).isEqualTo(slot("{bar"));
        assertThat(slot("{unclosed")).isEqualTo(HashSlot.of("{unclosed".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void slotsAreInRange() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(slot("key" + i)).isBetween(0, HashSlot.SLOT_COUNT - 1);
        }
    }
}
