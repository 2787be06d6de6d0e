package dev.shotover.transforms.scatter;

import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.valkey.timestamp.LastModified;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.OptionalLong;

/**
 * What {@link ConsistentScatter} needs to know about a route's response: whether it is an error reply, its
 * last-modified time ({@link LastModified}), and its size. Raw Valkey responses are classified from their first
 * byte, so a plain reply is never parsed just to be compared.
 *
 * <p>Stateless; the messages belong to the caller's event loop.
 */
final class ScatterResponses {
    private static final byte CASSANDRA_ERROR_OPCODE = 0x00;

    private ScatterResponses() {
    }

    /**
     * {@return true for a protocol-level error reply: Valkey {@code -ERR}/{@code !} errors, Cassandra ERROR
     * responses} Kafka carries errors inside each API's response body, so a Kafka response is never one.
     */
    static boolean isErrorReply(Message response) {
        if (response.protocol() == Protocol.VALKEY) {
            byte type = typeByte(response);
            return type == '-' || type == '!' || (type == '|' && valkey(response) != null
                    && unwrapAttributes(valkey(response)).isError());
        }
        if (response.protocol() == Protocol.CASSANDRA) {
            ByteBuf raw = response.rawBytes();
            if (raw != null) {
                // envelope header: version, flags, 2-byte stream id, then the opcode; ERROR is 0
                return raw.readableBytes() >= 5 && raw.getByte(raw.readerIndex() + 4) == CASSANDRA_ERROR_OPCODE;
            }
            try {
                Frame frame = response.frame();
                return frame instanceof CassandraFrame cassandra
                        && cassandra.envelope().message instanceof com.datastax.oss.protocol.internal.response.Error;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /** {@return the last-modified time a Valkey response carries, or empty} */
    static OptionalLong lastModified(Message response) {
        if (response.protocol() != Protocol.VALKEY || typeByte(response) != '|') {
            return OptionalLong.empty();
        }
        ValkeyFrame frame = valkey(response);
        return frame == null ? OptionalLong.empty() : LastModified.read(frame);
    }

    /**
     * {@return the size of a response, for choosing the largest} Raw responses count their bytes; generated Valkey
     * frames their encoded length, computed without encoding; other generated frames 0.
     */
    static long size(Message response) {
        ByteBuf raw = response.rawBytes();
        if (raw != null) {
            return raw.readableBytes();
        }
        if (response.protocol() == Protocol.VALKEY) {
            ValkeyFrame frame = valkey(response);
            return frame == null ? 0 : encodedSize(LastModified.strip(frame));
        }
        return 0;
    }

    /** Removes the last-modified attribute before the response goes to the client. */
    static void stripLastModified(Message response) {
        if (response.protocol() == Protocol.VALKEY && typeByte(response) == '|') {
            ValkeyFrame frame = valkey(response);
            if (frame != null) {
                ValkeyFrame stripped = LastModified.strip(frame);
                if (stripped != frame) {
                    response.setFrame(stripped);
                }
            }
        }
    }

    /** The first byte on the wire: read from the raw bytes, or derived from a generated frame. */
    private static byte typeByte(Message response) {
        ByteBuf raw = response.rawBytes();
        if (raw != null) {
            return raw.readableBytes() == 0 ? 0 : raw.getByte(raw.readerIndex());
        }
        ValkeyFrame frame = valkey(response);
        if (frame == null) {
            return 0;
        }
        if (frame instanceof ValkeyFrame.Attribute) {
            return '|';
        }
        if (frame instanceof ValkeyFrame.Error) {
            return '-';
        }
        return frame instanceof ValkeyFrame.BulkError ? (byte) '!' : (byte) '*';
    }

    /** The parsed frame, or null when the bytes do not parse (the response is then treated as an opaque reply). */
    private static ValkeyFrame valkey(Message response) {
        try {
            return response.frame(ValkeyFrame.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ValkeyFrame unwrapAttributes(ValkeyFrame frame) {
        ValkeyFrame reply = frame;
        while (reply instanceof ValkeyFrame.Attribute attribute) {
            reply = attribute.reply();
        }
        return reply;
    }

    /** The number of bytes RESP encodes {@code frame} in. */
    static long encodedSize(ValkeyFrame frame) {
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            return blob(bulk.value().length);
        } else if (frame instanceof ValkeyFrame.SimpleString simple) {
            return line(simple.value());
        } else if (frame instanceof ValkeyFrame.Error error) {
            return line(error.message());
        } else if (frame instanceof ValkeyFrame.Integer integer) {
            return line(Long.toString(integer.value()));
        } else if (frame instanceof ValkeyFrame.Array array) {
            return aggregate(array.elements().size(), array.elements());
        } else if (frame instanceof ValkeyFrame.NullBulkString || frame instanceof ValkeyFrame.NullArray) {
            return 5;
        } else if (frame instanceof ValkeyFrame.Null) {
            return 3;
        } else if (frame instanceof ValkeyFrame.Double d) {
            return line(d.text());
        } else if (frame instanceof ValkeyFrame.Boolean) {
            return 4;
        } else if (frame instanceof ValkeyFrame.BigNumber big) {
            return line(big.digits());
        } else if (frame instanceof ValkeyFrame.BulkError error) {
            return blob(error.message().length);
        } else if (frame instanceof ValkeyFrame.VerbatimString verbatim) {
            return blob(verbatim.format().length() + 1 + verbatim.data().length);
        } else if (frame instanceof ValkeyFrame.Map map) {
            return aggregate(map.keysAndValues().size() / 2, map.keysAndValues());
        } else if (frame instanceof ValkeyFrame.Set set) {
            return aggregate(set.elements().size(), set.elements());
        } else if (frame instanceof ValkeyFrame.Push push) {
            return aggregate(push.elements().size(), push.elements());
        } else if (frame instanceof ValkeyFrame.Attribute attribute) {
            return aggregate(attribute.keysAndValues().size() / 2, attribute.keysAndValues())
                    + encodedSize(attribute.reply());
        }
        return 0;
    }

    private static long line(String text) {
        return 1 + text.length() + 2;
    }

    private static long blob(int length) {
        return 1 + Integer.toString(length).length() + 2 + length + 2;
    }

    private static long aggregate(int count, List<ValkeyFrame> elements) {
        long size = 1 + Integer.toString(count).length() + 2;
        for (ValkeyFrame element : elements) {
            size += encodedSize(element);
        }
        return size;
    }
}
