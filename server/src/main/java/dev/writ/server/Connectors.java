package dev.writ.server;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;

/**
 * The service's listening connector: HTTP/1.1 in the clear, or over TLS from the configured PEM
 * files ({@link TlsRotation}); with Jetty's limits on connections (the {@link ServerConfig.Limits}):
 * an idle timeout, and at most {@code maxConnections} open at once (further ones wait in the
 * accept queue). The minimum data rate is enforced by {@link BodyPrefetch}, not by the
 * connector.
 */
final class Connectors {
  private Connectors() {}

  /** The most selector threads, whatever the number of cores (see {@link #selectors}). */
  static final int MAX_SELECTORS = 32;

  /** Jetty's default number of acceptor threads for the machine. */
  private static final int ACCEPTORS = -1;

  /**
   * At least eight selector threads, and one per core beyond that. Calls the router answers
   * directly (stateless decisions) run on the selector thread that read them, so the selectors
   * bound how many such calls progress at once: with Jetty's default (one selector for up to
   * three cores) a single thread would answer them all, and with one per core on a machine whose
   * cores are shared (the callers, other processes), every call on a selector waits whenever that
   * thread is descheduled. Measured on 2 cores shared with wrk, 8 connections: 2 selectors gave
   * 32,000 decisions/s with a p99 of 26 ms; 8 gave the same rate with a p99 of 2.6 ms
   * (docs/performance.md, *Third round: writ serve*). Idle selectors cost a thread each, nothing
   * more; but each is leased from the server's thread pool, so the count is capped (on a machine
   * with hundreds of cores, one per core would leave the pool no threads for blocking calls).
   */
  static int selectors() {
    return Math.min(MAX_SELECTORS, Math.max(8, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Adds the connector (and its TLS rotation and connection limit, as beans started and stopped
   * with the server) to {@code jetty}.
   *
   * @param http the HTTP settings, completed here for TLS
   * @throws ServerStartException when the TLS files cannot be used
   */
  static ServerConnector add(Server jetty, ServerConfig config, HttpConfiguration http, ServerMetrics metrics) {
    ServerConnector connector;
    if (config.tls().isPresent()) {
      TlsRotation tls = TlsRotation.create(config.tls().get(), config.watchInterval(), metrics);
      // Puts the TLS session (EndPoint.SslSessionData, with the client's chain) on each request.
      // No SNI host check: a certificate for localhost serves https://127.0.0.1 too, and the names
      // a certificate holds are the client's to check, not the server's.
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      connector = new ServerConnector(jetty, ACCEPTORS, selectors(),
          new SslConnectionFactory(tls.sslContextFactory(), HttpVersion.HTTP_1_1.asString()),
          new HttpConnectionFactory(http));
      jetty.addBean(tls);
    } else {
      connector = new PlainConnector(jetty, new HttpConnectionFactory(http));
    }
    connector.setHost(config.host());
    connector.setPort(config.port());
    // A connection with nothing to read or write for this long is closed: an idle keep-alive
    // connection, headers or a body that stop arriving, a stalled TLS handshake.
    connector.setIdleTimeout(config.limits().idleTimeout().toMillis());
    jetty.addConnector(connector);
    // Counts TCP connections (a TLS connection once), accepted or still handshaking.
    jetty.addBean(new NetworkConnectionLimit(config.limits().maxConnections(), connector));
    return connector;
  }

  /** The clear-text connector: its sockets skip the reads that cannot find anything ({@link SparingEndPoint}). */
  private static final class PlainConnector extends ServerConnector {
    PlainConnector(Server jetty, HttpConnectionFactory http) {
      super(jetty, ACCEPTORS, selectors(), http);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
      SocketChannelEndPoint endPoint = new SparingEndPoint(channel, selector, key, getScheduler());
      endPoint.setIdleTimeout(getIdleTimeout());
      return endPoint;
    }
  }

  /** Whether the connector speaks TLS. */
  static boolean isTls(ServerConnector connector) {
    return connector.getConnectionFactory(SslConnectionFactory.class) != null;
  }
}
