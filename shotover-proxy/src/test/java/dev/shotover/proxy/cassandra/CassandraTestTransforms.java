package dev.shotover.proxy.cassandra;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.response.result.Rows;
import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformFactory;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.cassandra.CassandraFrame;
import dev.shotover.api.cassandra.CqlRows;
import dev.shotover.proxy.NamedTestFactory;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.CassandraCluster;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * {@return a started proxy whose source {@code cassandra} runs {@code transform} in front of node 1 of the shared
     * cluster}
     */
    public static ShotoverProxy proxyWith(TransformFactory transform) {
        InetSocketAddress node = CassandraCluster.shared().contactPoint(1);
        return ShotoverProxy.builder().registerTransform(transform).topologyYaml("""
                sources:
                  - Cassandra:
                      name: "cassandra"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - %s
                        - CassandraSinkSingle:
                            remote_address: "%s:%d"
                """.formatted(transform.typeName(), node.getAddress().getHostAddress(), node.getPort())).start();
    }

    /** Everything the recorders saw in this JVM; a test class clears it before use. */
    public static final List<Captured> CAPTURED = new CopyOnWriteArrayList<>();

    /** {@code - CassandraRecorder}: copies every request, response and event that passes, unchanged. */
    public static final TransformFactory RECORDER = new RecorderFactory();

    /** {@code - CassandraForceEncode}: replaces every message's frame by its parsed self, forcing a re-encode. */
    public static final TransformFactory FORCE_ENCODE = new ForceEncodeFactory();

    /**
     * {@code - CassandraDelayMarked}: holds back every run that has a request containing {@link #SLOW_MARKER} (e.g. in
     * a CQL comment) for {@link #MARKED_DELAY} before passing it on; the other runs pass at once. It makes a query slow
     * at will.
     */
    public static final TransformFactory DELAY_MARKED = new DelayMarkedFactory();
    public static final String SLOW_MARKER = "slow-marker";

    /**
     * {@code - CassandraUppercaseText}: upper-cases the text cells of keyspace {@link #UPPERCASE_KEYSPACE} in every
     * ROWS result with {@link CqlRows}, what a decrypting or masking transform does (the driver's own queries of
     * the system tables stay as they are); EXECUTEs are first made to ask for the column metadata
     * ({@link CqlRows#withResultMetadata}), and those that did not are counted in {@link #EXECUTES_WITHOUT_METADATA}.
     */
    public static final TransformFactory UPPERCASE_TEXT = new UppercaseTextFactory();
    public static final String UPPERCASE_KEYSPACE = "rows_rewrite";
    public static final AtomicInteger EXECUTES_WITHOUT_METADATA = new AtomicInteger();
    public static final Duration MARKED_DELAY = Duration.ofMillis(1500);

    /** Configuration of the delaying transform (no fields). */
    public record DelayMarkedConfig(String name) implements CassandraOnly {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> state -> {
                if (!hasMarkedRequest(state)) {
                    return state.callNextTransform();
                }
                CompletableFuture<List<Message>> later = new CompletableFuture<>();
                ctx.eventLoop().schedule(() -> state.callNextTransform().whenComplete((responses, failure) -> {
                    if (failure != null) {
                        later.completeExceptionally(failure);
                    } else {
                        later.complete(responses);
                    }
                }), MARKED_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                return later;
            };
        }
    }

    private static boolean hasMarkedRequest(ChainState state) {
        for (Message request : state.requests()) {
            if (ByteBufUtil.indexOf(MARKER_BYTES.duplicate(), request.rawBytes()) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static final ByteBuf MARKER_BYTES = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer(SLOW_MARKER, StandardCharsets.US_ASCII));

    /** Configuration of the upper-casing transform (no fields). */
    public record UppercaseTextConfig(String name) implements CassandraOnly {
        @Override
        public TransformBuilder builder(BuildContext context) {
            return ctx -> CassandraTestTransforms::uppercaseText;
        }
    }

    private static CompletionStage<List<Message>> uppercaseText(ChainState state) {
        for (Message request : state.requests()) {
            CassandraFrame frame = request.frame(CassandraFrame.class);
            CassandraFrame asking = CqlRows.withResultMetadata(frame);
            if (asking != frame) {
                EXECUTES_WITHOUT_METADATA.incrementAndGet();
                request.setFrame(asking);
            }
        }
        return state.callNextTransform().thenApply(responses -> {
            for (Message response : responses) {
                if (response.frame() instanceof CassandraFrame frame && frame.message() instanceof Rows rows) {
                    response.setFrame(frame.withMessage(CqlRows.mapCells(rows, frame.version(),
                            (row, column, value) -> value instanceof String text
                                    && UPPERCASE_KEYSPACE.equals(column.ksName)
                                    ? text.toUpperCase(Locale.ROOT) : value)));
                }
            }
            return responses;
        });
    }

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

    private static final class DelayMarkedFactory extends NamedTestFactory {
        DelayMarkedFactory() {
            super("CassandraDelayMarked", DelayMarkedConfig.class);
        }
    }

    private static final class UppercaseTextFactory extends NamedTestFactory {
        UppercaseTextFactory() {
            super("CassandraUppercaseText", UppercaseTextConfig.class);
        }
    }

    private static final class ForceEncodeFactory extends NamedTestFactory {
        ForceEncodeFactory() {
            super("CassandraForceEncode", ForceEncodeConfig.class);
        }
    }
}
