package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.kafka.KafkaFrame;
import dev.shotover.protocols.kafka.KafkaFrameCodec;
import dev.shotover.runtime.ShotoverProxy;
import dev.shotover.testsupport.FreePort;
import dev.shotover.testsupport.LogCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka over raw sockets against a proxy whose broker is missing, or whose client misbehaves: the client gets Kafka's
 * own error responses (no broker needed for these, so they are fast) and the connection closes.
 */
class KafkaFailureIT {
    @RegisterExtension
    LogCapture logs = new LogCapture();

    private static ShotoverProxy proxyTo(int brokerPort) {
        return ShotoverProxy.builder().topologyYaml("""
                sources:
                  - Kafka:
                      name: "kafka"
                      listen_addr: "127.0.0.1:0"
                      chain:
                        - KafkaSinkSingle:
                            destination_port: %d
                            connect_timeout_ms: 1000
                """.formatted(brokerPort)).start();
    }

    @Test
    void anUnreachableBrokerAnswersEveryPendingRequestWithAKafkaErrorAndCloses() throws Exception {
        try (ShotoverProxy proxy = proxyTo(FreePort.find());
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", proxy.address("kafka").getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request(new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"),
                    (short) 3, 7));
            out.write(request(new MetadataRequestData(), (short) 12, 8));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());

            KafkaFrame.Response versions = readResponse(in, ApiKeys.API_VERSIONS, (short) 3);
            assertThat(versions.correlationId()).isEqualTo(7);
            assertThat(versions.body(ApiVersionsResponseData.class).errorCode())
                    .isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code());
            KafkaFrame.Response metadata = readResponse(in, ApiKeys.METADATA, (short) 12);
            assertThat(metadata.correlationId()).isEqualTo(8);
            assertThat(metadata.body(MetadataResponseData.class).brokers()).isEmpty();
            assertThat(in.read()).as("the connection is closed").isEqualTo(-1);
        }
        logs.awaitMessage("Failed to connect to destination 127.0.0.1:", java.time.Duration.ofSeconds(5));
        logs.assertNoUnexpectedWarnOrError("Failed to connect to destination");
    }

    @Test
    void aSizePrefixOverTheLimitClosesTheConnection() throws Exception {
        try (ShotoverProxy proxy = proxyTo(FreePort.find());
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", proxy.address("kafka").getPort()), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 0, 1, 0, 0});
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        logs.awaitMessage("exceeds the maximum frame size of 104857600 bytes", java.time.Duration.ofSeconds(5));
        logs.assertNoUnexpectedWarnOrError("failed to decode message");
    }

    private static byte[] request(ApiMessage body, short version, int correlationId) {
        ByteBuf encoded = KafkaFrameCodec.encode(KafkaFrame.Request.of(body, version, "raw-client", correlationId),
                UnpooledByteBufAllocator.DEFAULT);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            return bytes;
        } finally {
            encoded.release();
        }
    }

    private static KafkaFrame.Response readResponse(DataInputStream in, ApiKeys apiKey, short version)
            throws IOException {
        int size;
        try {
            size = in.readInt();
        } catch (EOFException e) {
            throw new AssertionError("the proxy closed the connection without answering " + apiKey.name, e);
        }
        byte[] bytes = new byte[4 + size];
        in.readFully(bytes, 4, size);
        ByteBuf wire = Unpooled.wrappedBuffer(bytes).setInt(0, size);
        try {
            return KafkaFrameCodec.decodeResponse(wire, apiKey, version);
        } finally {
            wire.release();
        }
    }
}
