package dev.shotover.protocols.kafka;

import dev.shotover.api.kafka.KafkaMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * How {@link KafkaMessageDecoder} gathers the reads of a message that spans several: a large message (a Produce
 * request of batches, a Fetch response of up to {@code fetch.max.bytes}) is assembled as a {@link CompositeByteBuf}
 * of the read buffers themselves, so its bytes are never copied in the proxy; small ones are merged into one buffer
 * as Netty does by default.
 *
 * <p>Why: Netty's merging cumulator copies every read into the cumulation and, when the cumulation is full, copies it
 * into a buffer twice as large. For a 3 MB Fetch response read 64 KB at a time that is about 7 MB of copying, and
 * each regrowth beyond the allocator's pooled sizes is a fresh zeroed direct buffer: together a third of the
 * proxy's CPU on the consume path, while the message is only ever written back out (the socket write gathers the
 * components, {@code writev}).
 *
 * <p>The decoder leaves the cumulation's reader index at the start of the incomplete message, so the size prefix
 * there says whether it is large. A message decoded from a composite is a slice of it; the components are released
 * when the last message slicing them is.
 *
 * <p>Stateless and thread-safe; ownership follows {@link ByteToMessageDecoder.Cumulator}: both arguments are taken
 * over.
 */
final class LargeFrameCumulator implements ByteToMessageDecoder.Cumulator {
    static final LargeFrameCumulator INSTANCE = new LargeFrameCumulator();

    /**
     * Messages at least this long are gathered without copying. Below it, one copy of a partial read costs less than
     * building a composite and writing it with a gathering write.
     */
    static final int COMPOSITE_THRESHOLD = 32 * 1024;

    private LargeFrameCumulator() {
    }

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (!cumulation.isReadable()) {
            cumulation.release();
            return in;
        }
        if (!pendingMessageIsLarge(cumulation)) {
            return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        CompositeByteBuf composite;
        try {
            if (cumulation instanceof CompositeByteBuf own && own.refCnt() == 1) {
                // still ours alone: no message slices it yet, so components can be appended in place
                composite = own;
            } else {
                // messages already decoded slice it: take its unread components into a new composite (no copy)
                composite = alloc.compositeBuffer(Integer.MAX_VALUE);
                composite.addFlattenedComponents(true, cumulation);
            }
        } catch (Throwable t) {
            in.release();
            throw t;
        }
        composite.addFlattenedComponents(true, in);
        return composite;
    }

    private static boolean pendingMessageIsLarge(ByteBuf cumulation) {
        return cumulation.readableBytes() >= KafkaMessages.SIZE_PREFIX_LENGTH
                && cumulation.getInt(cumulation.readerIndex()) >= COMPOSITE_THRESHOLD;
    }
}
