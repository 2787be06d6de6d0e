package dev.shotover.runtime.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;

/**
 * Sits right behind a source's {@link io.netty.handler.ssl.SslHandler}: reports a failed handshake once (see
 * {@link HandshakeFailureLog}) and keeps the TLS errors that follow it from reaching the protocol handlers, which
 * would log them again as undecodable messages. The {@code SslHandler} closes the connection itself. One instance
 * per connection, confined to its event loop.
 */
final class ClientHandshakeGuard extends ChannelInboundHandlerAdapter {
    private final HandshakeFailureLog failures;
    private boolean handshakeFailed;

    ClientHandshakeGuard(HandshakeFailureLog failures) {
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent completion) {
            if (!completion.isSuccess() && !handshakeFailed) {
                handshakeFailed = true;
                failures.failed(ctx.channel().remoteAddress(), completion.cause());
                ctx.close();
            }
            if (completion.isSuccess()) {
                // nothing else needs to see TLS events; later ones (close_notify) pass through
                ctx.pipeline().remove(this);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (handshakeFailed || hasSslCause(cause)) {
            // the handshake failure was (or is about to be) reported by userEventTriggered
            ctx.close();
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private static boolean hasSslCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
