/**
 * TLS for client connections (a source's {@code tls:}) and backend connections (a sink's {@code tls:}), on Netty's
 * JDK {@code SSLEngine} provider (no tcnative).
 *
 * <p>{@link dev.shotover.runtime.tls.TlsAcceptor} and {@link dev.shotover.runtime.tls.TlsConnector} read their PEM
 * files once, when the topology is built; a file that is missing, unreadable or not what it should be fails the
 * build with a {@link dev.shotover.runtime.tls.TlsSettingsException} naming the setting, the path and the reason.
 * Both are immutable and shared by every connection of their source or sink: each connection gets its own
 * {@link io.netty.handler.ssl.SslHandler}.
 */
package dev.shotover.runtime.tls;
