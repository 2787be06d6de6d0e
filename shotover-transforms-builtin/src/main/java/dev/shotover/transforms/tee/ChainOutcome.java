package dev.shotover.transforms.tee;

import dev.shotover.api.Message;
import java.util.List;

/**
 * How one run of a chain ended, as far as {@link Tee} is concerned: it answered, it failed, or the Tee stopped
 * waiting for it ({@code timeout_micros}).
 */
sealed interface ChainOutcome {

    /** The run completed with these responses; whoever holds the outcome owns them. */
    record Answered(List<Message> responses) implements ChainOutcome {
    }

    /** The run failed. */
    record Failed(Throwable cause) implements ChainOutcome {
    }

    /** The Tee gave up waiting after {@code micros}; responses arriving later are released on arrival. */
    record TimedOut(long micros) implements ChainOutcome {
    }

    /** Releases the responses of an {@link Answered} outcome; nothing otherwise. */
    default void release() {
        if (this instanceof Answered answered) {
            for (Message response : answered.responses()) {
                response.release();
            }
        }
    }
}
