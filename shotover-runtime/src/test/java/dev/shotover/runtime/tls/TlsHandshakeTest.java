package dev.shotover.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shotover.runtime.config.TlsConnectorConfig;
import dev.shotover.runtime.net.HostAndPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Real handshakes over loopback between a {@link TlsAcceptor} (installed the way sources install it, in front of
 * an echo handler) and a {@link TlsConnector} handler: trust, hostname verification, client certificates, and how
 * a failed handshake is logged.
 */
class TlsHandshakeTest {
    private static EventLoopGroup group;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger acceptorLog;
    private Level previousLevel;
    private Channel server;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void captureLog() {
        acceptorLog = (Logger) LoggerFactory.getLogger(TlsAcceptor.class);
        previousLevel = acceptorLog.getLevel();
        acceptorLog.setLevel(Level.DEBUG);
        logged.start();
        acceptorLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        acceptorLog.detachAppender(logged);
        acceptorLog.setLevel(previousLevel);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void trustedCertificateWithMatchingIpAndName() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", null), "src"));
        TlsConnector connector = TlsConnector.load(TlsFixtures.client("ca.pem", true));
        assertThat(exchange(connector, "127.0.0.1", port)).isEqualTo("echo: hello");
        assertThat(exchange(connector, "localhost", port)).isEqualTo("echo: hello");
    }

    @Test
    void ecCertificateFromASec1Key() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server-ec.pem", "server-ec-sec1.key", null),
                "src"));
        assertThat(exchange(TlsConnector.load(TlsFixtures.client("ca.pem", true)), "127.0.0.1", port))
                .isEqualTo("echo: hello");
    }

    @Test
    void pkcs1KeyServes() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server-pkcs1.key", null), "src"));
        assertThat(exchange(TlsConnector.load(TlsFixtures.client("ca.pem", true)), "127.0.0.1", port))
                .isEqualTo("echo: hello");
    }

    @Test
    void hostnameMismatchFailsOnlyWhenVerified() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("wrong-san.pem", "wrong-san.key", null), "src"));
        assertThat(exchange(TlsConnector.load(TlsFixtures.client("ca.pem", true)), "127.0.0.1", port))
                .isEqualTo("handshake failed: TLS handshake failed: No subject alternative names matching IP address "
                        + "127.0.0.1 found");
        assertThat(exchange(TlsConnector.load(TlsFixtures.client("ca.pem", true)), "localhost", port))
                .startsWith("handshake failed: TLS handshake failed: No subject alternative DNS name matching "
                        + "localhost found");
        assertThat(exchange(TlsConnector.load(TlsFixtures.client("ca.pem", false)), "127.0.0.1", port))
                .isEqualTo("echo: hello");
    }

    @Test
    void untrustedChainFailsEvenWithoutHostnameVerification() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", null), "src"));
        for (boolean verifyHostname : new boolean[] {true, false}) {
            assertThat(exchange(TlsConnector.load(TlsFixtures.client("other-ca.pem", verifyHostname)), "127.0.0.1",
                    port))
                    .startsWith("handshake failed: TLS handshake failed: PKIX path building failed");
        }
        // nor does the JDK's default trust store know the test CA
        assertThat(exchange(TlsConnector.load(new TlsConnectorConfig(null, null, null, true)), "127.0.0.1", port))
                .startsWith("handshake failed: TLS handshake failed: PKIX path building failed");
    }

    @Test
    void clientAuthenticationRefusesClientsWithoutACertificate() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", "ca.pem"), "src"));
        assertThat(exchange(TlsConnector.load(TlsFixtures.clientWithCertificate("ca.pem")), "127.0.0.1", port))
                .isEqualTo("echo: hello");
        // with TLS 1.3 the client's side of the handshake completes first; the server then refuses and closes
        assertThat(exchange(TlsConnector.load(TlsFixtures.client("ca.pem", true)), "127.0.0.1", port))
                .doesNotStartWith("echo");
        assertThat(warnings()).singleElement().asString()
                .contains("TLS handshake with client /127.0.0.1:")
                .contains("on source src failed, closing the connection")
                .contains("Empty client certificate chain");
    }

    @Test
    void repeatedFailuresWarnOnceAndDebugEachTime() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", "ca.pem"), "storm"));
        TlsConnector withoutCertificate = TlsConnector.load(TlsFixtures.client("ca.pem", true));
        for (int i = 0; i < 4; i++) {
            assertThat(exchange(withoutCertificate, "127.0.0.1", port)).doesNotStartWith("echo");
        }
        awaitLogged(4);
        assertThat(warnings()).hasSize(1);
        assertThat(logged.list.stream().filter(e -> e.getLevel() == Level.DEBUG)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("on source storm failed: Empty client certificate chain")))
                .hasSize(4);
    }

    @Test
    void clientThatLeavesBeforeTheHandshakeIsOnlyDebugLogged() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", null), "quiet"));
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
            plain.getOutputStream().flush();
        }
        awaitLogged(1);
        assertThat(warnings()).isEmpty();
        assertThat(logged.list.get(0).getFormattedMessage()).contains("disconnected during the TLS handshake");
    }

    @Test
    void plainTextClientIsWarnedAboutAndClosed() throws Exception {
        int port = startServer(TlsAcceptor.load(TlsFixtures.server("server.pem", "server.key", null), "plain"));
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            // the server answers with an alert or just closes; either way the connection ends
            byte[] rest = plain.getInputStream().readAllBytes();
            assertThat(rest.length).isLessThan(100);
        }
        awaitLogged(2);
        assertThat(warnings()).singleElement().asString().contains("on source plain failed");
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    private void awaitLogged(int events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logged.list.size() < events && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** A TLS echo server installed like a source does it. */
    private int startServer(TlsAcceptor acceptor) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                ByteBuf reply = ctx.alloc().buffer();
                                reply.writeCharSequence("echo: ", StandardCharsets.US_ASCII);
                                reply.writeBytes(in);
                                in.release();
                                ctx.writeAndFlush(reply);
                            }
                        });
                        acceptor.install(ch);
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connects to {@code host:port} with {@code connector}, sends "hello" and says what came back. */
    private String exchange(TlsConnector connector, String host, int port) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = connector.newHandler(ch.alloc(), new HostAndPort(host, port), 5000);
                        tls.handshakeFuture().addListener(f -> {
                            if (f.isSuccess()) {
                                ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
                            } else {
                                outcome.complete("handshake failed: "
                                        + TlsConnector.describeHandshakeFailure(f.cause()));
                            }
                        });
                        ch.pipeline().addLast(tls, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                outcome.complete(in.toString(StandardCharsets.US_ASCII));
                                in.release();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                outcome.complete("error: " + cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                outcome.complete("closed");
                            }
                        });
                    }
                })
                .connect(host, port).syncUninterruptibly().channel();
        try {
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            client.close().syncUninterruptibly();
        }
    }
}
