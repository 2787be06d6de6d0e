package dev.shotover.api;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A random 128-bit message identity. Responses carry the id of their request ({@link Message#requestId()}),
 * and transforms pair responses with requests by id, never by position.
 *
 * <p>Immutable; safe from any thread.
 */
public record MessageId(long high, long low) {

    /** {@return a fresh random id} Random rather than sequential, so ids from different connections never collide. */
    public static MessageId random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new MessageId(random.nextLong(), random.nextLong());
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", high, low);
    }
}
