package dev.shotover.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostAndPortTest {

    @Test
    void parsesIpv4HostnamesAndBracketedIpv6() {
        assertThat(HostAndPort.parse("127.0.0.1:6379")).isEqualTo(new HostAndPort("127.0.0.1", 6379));
        assertThat(HostAndPort.parse("localhost:0")).isEqualTo(new HostAndPort("localhost", 0));
        HostAndPort v6 = HostAndPort.parse("[2001:db8::1]:8080");
        assertThat(v6).isEqualTo(new HostAndPort("2001:db8::1", 8080));
        assertThat(v6.toString()).isEqualTo("[2001:db8::1]:8080");
    }

    @Test
    void rejectsWhatIsNotHostAndPort() {
        assertThatThrownBy(() -> HostAndPort.parse("127.0.0.1")).hasMessage("expected host:port but was \"127.0.0.1\"");
        assertThatThrownBy(() -> HostAndPort.parse("h:x")).hasMessage("port of \"h:x\" is not a number");
        assertThatThrownBy(() -> HostAndPort.parse("h:70000")).hasMessage("port of \"h:70000\" is out of range 0-65535");
        assertThatThrownBy(() -> HostAndPort.parse("::1:80")).hasMessageContaining("expected host:port");
        assertThatThrownBy(() -> HostAndPort.parse("")).hasMessage("expected host:port but the value is empty");
    }
}
