package dev.shotover.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class SinkConnectExceptionTest {

    @Test
    void nativeTransportNoiseIsReducedToWhatTheOsSaid() {
        IOException nativeError = new IOException("finishConnect(..) failed with error(-111): Connection refused",
                null);
        ConnectException annotated = new ConnectException(
                "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1111");
        annotated.initCause(nativeError);
        assertThat(SinkConnectException.osReason(annotated)).hasMessage("Connection refused");
        assertThat(SinkConnectException.osReason(new ConnectException("Connection refused: /127.0.0.1:1111")))
                .hasMessage("Connection refused");
        assertThat(SinkConnectException.osReason(new ConnectException("connection timed out: localhost/127.0.0.1:9")))
                .hasMessage("connection timed out");
    }
}
