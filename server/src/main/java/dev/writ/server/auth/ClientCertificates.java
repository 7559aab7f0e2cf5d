package dev.writ.server.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;

/**
 * The certificate chain a client presented on a TLS connection, for authentication. It is there
 * because the connector's {@link SecureRequestCustomizer} puts the TLS session on each request;
 * with {@code clientCa} configured, a chain that does not lead to one of those CAs never gets this
 * far (the handshake fails), so a non-empty chain here has been verified.
 */
public final class ClientCertificates {
  private ClientCertificates() {}

  /**
   * The client's chain, its own certificate first; empty over plain HTTP, and over TLS without
   * {@code clientCa} (no certificate is asked for then).
   */
  public static List<X509Certificate> of(Request request) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls) {
      X509Certificate[] chain = tls.peerCertificates();
      if (chain != null) {
        return List.of(chain);
      }
    }
    return List.of();
  }
}
