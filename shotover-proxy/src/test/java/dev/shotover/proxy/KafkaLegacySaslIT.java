package dev.shotover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shotover.testsupport.LogCapture;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.security.scram.ScramExtensionsCallback;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The legacy SASL flow through {@code KafkaSinkSingle}: SaslHandshake <b>v0</b>, then the mechanism's tokens as bare
 * size-prefixed byte strings without a Kafka header (KIP-43, what kafka-python 2.0 and old Sarama send). Kafka 4.x
 * brokers still accept it: KIP-896 removed old versions of many APIs in 4.0 but kept SaslHandshake v0
 * (KAFKA-18270), and removed only the flow with no handshake at all (KAFKA-18339).
 *
 * <p>kafka-clients itself always negotiates v1, so the client here is written by hand on a socket, with
 * kafka-clients' request and response classes and its SCRAM {@link SaslClient}. Each scenario runs directly against
 * the broker and through the proxy, and must behave the same way.
 */
class KafkaLegacySaslIT {
    @RegisterExtension
    static final LogCapture logs = new LogCapture();

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(15);

    private static KafkaSaslBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaSaslBroker.start();
        ScramSaslClientProvider.initialize();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        // a rejected token ends the connection as the broker ended it: nothing for the proxy to warn about
        logs.assertNoUnexpectedWarnOrError();
    }

    private static InetSocketAddress target(String name) {
        return name.equals("proxy") ? new InetSocketAddress("127.0.0.1", broker.proxy.address("kafka").getPort())
                : new InetSocketAddress("127.0.0.1", broker.kafka.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "proxy"})
    void plainAuthenticatesWithBareTokensAndKafkaRequestsFollow(String name) throws Exception {
        InetSocketAddress address = target(name);
        try (LegacyClient client = new LegacyClient(address)) {
            client.apiVersions();
            assertThat(client.handshakeV0("PLAIN")).contains("PLAIN", "SCRAM-SHA-256");
            byte[] answer = client.exchangeToken("\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8));
            // a PLAIN broker accepts with an empty token
            assertThat(answer).isEmpty();
            MetadataResponse metadata = client.metadata();
            assertThat(metadata.data().errorCode()).isEqualTo(Errors.NONE.code());
            // through the proxy the broker's port is rewritten to the proxy's: the flow left the codec in step
            assertThat(metadata.brokers()).singleElement()
                    .satisfies(node -> assertThat(node.port()).isEqualTo(address.getPort()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "proxy"})
    void scramSha256TakesTwoRoundTripsOfBareTokens(String name) {
        InetSocketAddress address = target(name);
        // the credential reaches the broker's cache shortly after the admin call returned
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            try (LegacyClient client = new LegacyClient(address)) {
                assertThat(client.handshakeV0("SCRAM-SHA-256")).contains("SCRAM-SHA-256");
                SaslClient scram = Sasl.createSaslClient(new String[] {"SCRAM-SHA-256"}, null, "kafka",
                        "127.0.0.1", Map.of(), callbacks -> credentials(callbacks, "bob", "bob-secret"));
                byte[] serverFirst = client.exchangeToken(scram.evaluateChallenge(new byte[0]));
                byte[] serverFinal = client.exchangeToken(scram.evaluateChallenge(serverFirst));
                // checks the broker's signature: it really was the broker that answered
                scram.evaluateChallenge(serverFinal);
                assertThat(scram.isComplete()).isTrue();
                assertThat(client.metadata().brokers()).singleElement()
                        .satisfies(node -> assertThat(node.port()).isEqualTo(address.getPort()));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "proxy"})
    void aWrongPasswordEndsTheConnectionWithoutAnAnswer(String name) throws Exception {
        try (LegacyClient client = new LegacyClient(target(name))) {
            client.handshakeV0("PLAIN");
            client.sendToken("\0alice\0not-her-password".getBytes(StandardCharsets.UTF_8));
            // the legacy flow has no error message: the broker just closes, and so does the proxy
            assertThat(client.readToEnd()).isEmpty();
        }
    }

    private static void credentials(Callback[] callbacks, String user, String password)
            throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback nameCallback) {
                nameCallback.setName(user);
            } else if (callback instanceof PasswordCallback passwordCallback) {
                passwordCallback.setPassword(password.toCharArray());
            } else if (!(callback instanceof ScramExtensionsCallback)) {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    /**
     * A client of the legacy flow on a plain socket: Kafka requests are built and responses parsed with
     * kafka-clients' classes, tokens are written and read as a 4-byte size and the bytes.
     */
    private static final class LegacyClient implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private int correlationId;

        LegacyClient(InetSocketAddress address) throws IOException {
            socket = new Socket();
            socket.connect(address, (int) IO_TIMEOUT.toMillis());
            socket.setSoTimeout((int) IO_TIMEOUT.toMillis());
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
        }

        void apiVersions() throws IOException {
            ApiVersionsResponse response = (ApiVersionsResponse) send(new ApiVersionsRequest.Builder(
                    new ApiVersionsRequestData().setClientSoftwareName("legacy-it")
                            .setClientSoftwareVersion("1.0"), (short) 3, (short) 3), (short) 3);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(response.apiVersion(ApiKeys.SASL_HANDSHAKE.id).minVersion()).isZero();
        }

        /** Sends SaslHandshake v0; returns the mechanisms the broker enables. */
        List<String> handshakeV0(String mechanism) throws IOException {
            SaslHandshakeResponse response = (SaslHandshakeResponse) send(new SaslHandshakeRequest.Builder(
                    new SaslHandshakeRequestData().setMechanism(mechanism)), (short) 0);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            return response.data().mechanisms();
        }

        MetadataResponse metadata() throws IOException {
            return (MetadataResponse) send(new MetadataRequest.Builder(new MetadataRequestData()
                    .setTopics(List.of()).setAllowAutoTopicCreation(false)), (short) 12);
        }

        byte[] exchangeToken(byte[] token) throws IOException {
            sendToken(token);
            return readSized();
        }

        void sendToken(byte[] token) throws IOException {
            out.writeInt(token.length);
            out.write(token);
            out.flush();
        }

        /** Everything the other side sends until it closes the connection. */
        byte[] readToEnd() throws IOException {
            return in.readAllBytes();
        }

        private AbstractResponse send(AbstractRequest.Builder<?> builder, short version) throws IOException {
            AbstractRequest request = builder.build(version);
            RequestHeader header = new RequestHeader(request.apiKey(), version, "legacy-it", ++correlationId);
            ByteBuffer serialized = request.serializeWithHeader(header);
            byte[] bytes = new byte[serialized.remaining()];
            serialized.get(bytes);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
            return AbstractResponse.parseResponse(ByteBuffer.wrap(readSized()), header);
        }

        private byte[] readSized() throws IOException {
            int size;
            try {
                size = in.readInt();
            } catch (EOFException e) {
                throw new EOFException("the connection closed instead of answering");
            }
            byte[] bytes = new byte[size];
            in.readFully(bytes);
            return bytes;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
