package dev.writ.server;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The service's listening connector: HTTP/1.1, with Jetty's limits on connections (the
 * {@link ServerConfig.Limits}): an idle timeout, and at most {@code maxConnections} open at once
 * (further ones wait in the accept queue). The minimum data rate is enforced by
 * {@link BodyPrefetch}, not by the connector.
 */
final class Connectors {
  private Connectors() {}

  /** Adds the connector (and its connection limit, a bean started and stopped with the server) to {@code jetty}. */
  static ServerConnector add(Server jetty, ServerConfig config, HttpConfiguration http, ServerMetrics metrics) {
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    // A connection with nothing to read or write for this long is closed: an idle keep-alive
    // connection, headers or a body that stop arriving.
    connector.setIdleTimeout(config.limits().idleTimeout().toMillis());
    jetty.addConnector(connector);
    // Counts TCP connections, whatever the protocol on them.
    jetty.addBean(new NetworkConnectionLimit(config.limits().maxConnections(), connector));
    return connector;
  }
}
