package dev.shotover.protocols.valkey;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes Valkey {@link Message}s as RESP bytes. An unmodified message is written as its original bytes (a retained
 * duplicate, so neither a copy nor a re-encode); a generated or modified one is encoded from its frame with
 * {@link RespEncoder}.
 *
 * <p><b>Threading and buffers.</b> Stateless and {@link ChannelHandler.Sharable}. The message itself is not released:
 * it stays owned by the runtime, which releases it after the write. Messages of other protocols are passed on
 * untouched.
 */
@ChannelHandler.Sharable
public final class ValkeyMessageEncoder extends MessageToMessageEncoder<Message> {
    /** A shared instance; the encoder keeps no state. */
    public static final ValkeyMessageEncoder INSTANCE = new ValkeyMessageEncoder();

    public ValkeyMessageEncoder() {
        super(Message.class);
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof Message message && message.protocol() == Protocol.VALKEY;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
        ByteBuf raw = message.rawBytes();
        if (raw != null) {
            out.add(raw.retainedDuplicate());
            return;
        }
        out.add(RespEncoder.encode(message.frame(ValkeyFrame.class), ctx.alloc()));
    }
}
