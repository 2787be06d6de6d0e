package dev.shotover.proxy.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Startup;
import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.proxy.NamedTestFactory;
import dev.shotover.api.cassandra.CassandraFrame;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only Cassandra transforms, registered with {@code ShotoverProxy.builder().registerTransform(...)}:
 * {@code CassandraRecorder} keeps a copy of every envelope that passes, {@code CassandraForceEncode} makes every
 * message re-encoded from its parsed frame.
 */
public final class CassandraTestTransforms {
    private CassandraTestTransforms() {
    }

    /** The connection a captured envelope travelled on: its STARTUP's compression, once seen. */
    public static final class CapturedConnection {
        private volatile String compression = "none";

        /** {@return the compression the connection's STARTUP asked for: none, lz4 or snappy} */
        public String compression() {
            return compression;
        }
    }

    /**
     * One envelope seen by the recorder, as the message held it (uncompressed, never a v5 segment).
     *
     * @param connection the client connection it travelled on
     * @param request    true for a request, false for a response or server event
     * @param bytes      a copy of the envelope
     */
    public record Captured(CapturedConnection connection, boolean request, byte[] bytes) {
        /** {@return the protocol version from the header} */
        public int version() {
            return bytes[0] & 0x7F;
        }

        /** {@return the opcode from the header} */
        public int opcode() {
            return bytes[4];
        }
    }

    /** Everything the recorders saw in this JVM; a test class clears it before use. */
    public static final List<Captured> CAPTURED = new CopyOnWriteArrayList<>();

    /** {@code - CassandraRecorder}: copies every request, response and event that passes, unchanged. */
    public static final TransformFactory RECORDER = new RecorderFactory();

    /** {@code - CassandraForceEncode}: replaces every message's frame by its parsed self, forcing a re-encode. */
    public static final TransformFactory FORCE_ENCODE = new ForceEncodeFactory();

    /** Configuration of the recorder (no fields). */
    public record RecorderConfig(String name) implements CassandraOnly {
        @Override
        public TransformBuilder builder(BuildContext context) {
            // one recorder per client connection: it remembers the connection's compression
            return ctx -> new Recorder();
        }
    }

    /** Configuration of the re-encoding transform (no fields). */
    public record ForceEncodeConfig(String name) implements CassandraOnly {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> CassandraTestTransforms::forceEncode;
        }
    }

    private static final class Recorder implements Transform {
        private final CapturedConnection connection = new CapturedConnection();

        @Override
        public CompletionStage<List<Message>> transform(ChainState state) {
            for (Message request : state.requests()) {
                ByteBuf raw = request.rawBytes();
                // only the STARTUP is decoded: the passthrough path of the other messages stays untouched
                if (raw.getByte(raw.readerIndex() + 4) == ProtocolConstants.Opcode.STARTUP
                        && request.frame(CassandraFrame.class).message() instanceof Startup startup) {
                    String compression = startup.options.get(Startup.COMPRESSION_KEY);
                    connection.compression = compression == null ? "none" : compression;
                }
                CAPTURED.add(new Captured(connection, true, copy(request.rawBytes())));
            }
            return state.callNextTransform().thenApply(responses -> {
                for (Message response : responses) {
                    CAPTURED.add(new Captured(connection, false, copy(response.rawBytes())));
                }
                return responses;
            });
        }
    }

    private static CompletionStage<List<Message>> forceEncode(ChainState state) {
        for (Message request : state.requests()) {
            request.setFrame(request.frame());
        }
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                response.setFrame(response.frame());
            }
            return responses;
        });
    }

    private static byte[] copy(ByteBuf raw) {
        byte[] bytes = new byte[raw.readableBytes()];
        raw.getBytes(raw.readerIndex(), bytes);
        return bytes;
    }

    /** A test transform that accepts only Cassandra chains. */
    interface CassandraOnly extends TransformConfig {
        @Override
        default UpChainProtocol upChainProtocol() {
            return UpChainProtocol.oneOf(Protocol.CASSANDRA);
        }
    }

    private static final class RecorderFactory extends NamedTestFactory {
        RecorderFactory() {
            super("CassandraRecorder", RecorderConfig.class);
        }
    }

    private static final class ForceEncodeFactory extends NamedTestFactory {
        ForceEncodeFactory() {
            super("CassandraForceEncode", ForceEncodeConfig.class);
        }
    }
}
