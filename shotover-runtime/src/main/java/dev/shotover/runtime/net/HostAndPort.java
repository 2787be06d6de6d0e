package dev.shotover.runtime.net;

import java.net.InetSocketAddress;

/**
 * An {@code ip:port} or {@code host:port} from configuration ({@code [v6]:port} for IPv6), kept unresolved until a
 * connection is made.
 */
public record HostAndPort(String host, int port) {

    public static HostAndPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected host:port but the value is empty");
        }
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port but was \"" + text + "\"");
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port but was \"" + text + "\"");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port of \"" + text + "\" is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of \"" + text + "\" is out of range 0-65535");
        }
        return new HostAndPort(host, port);
    }

    /** Resolves the host now (may block on DNS: call at startup or off the event loop). */
    public InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    /** Unresolved, for Netty to resolve when connecting. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
