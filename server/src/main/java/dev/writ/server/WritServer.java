package dev.writ.server;

import dev.writ.engine.json.DataException;
import dev.writ.server.auth.AuthConfig;
import dev.writ.server.auth.Authenticator;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Set;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcement service ({@code writ serve}): Jetty over the {@link Router}, the
 * {@link WritService} (policies, grants, trail), the expiry sweep and, with {@code watch}, the
 * bundle watcher. {@link #close()} stops gracefully: no new connections, requests in flight
 * finish (up to the stop timeout), then the sweep and the store are closed.
 */
public final class WritServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WritServer.class);

  private final WritService service;
  private final Server jetty;
  private final GracefulHandler graceful;
  private final ServerConnector connector;
  private final ExpirySweeper sweeper;
  private final BundleWatcher watcher;
  private boolean closed;

  private WritServer(WritService service, Server jetty, GracefulHandler graceful, ServerConnector connector,
                     ExpirySweeper sweeper, BundleWatcher watcher) {
    this.service = service;
    this.jetty = jetty;
    this.graceful = graceful;
    this.connector = connector;
    this.sweeper = sweeper;
    this.watcher = watcher;
  }

  /**
   * Loads the policies, opens the data directory and starts listening.
   *
   * @throws PolicyLoadException when the policies cannot be served
   * @throws ServerStartException when the data directory or the address cannot be used
   */
  public static WritServer start(ServerConfig config, PolicySource source) {
    Authenticator authenticator = authenticator(config);
    ServerMetrics metrics = new ServerMetrics();
    WritService service;
    try {
      service = new WritService(config, source, metrics);
    } catch (PolicyLoadException | ServerStartException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ServerStartException("cannot use the data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("writ-http");
    Server jetty = new Server(pool);
    ServerConnector connector;
    try {
      connector = Connectors.add(jetty, config, httpConfiguration(), metrics);
    } catch (ServerStartException e) {
      service.close();
      throw e;
    }
    Router router = new Router(config.maxBodyBytes(), metrics, authenticator, Set.copyOf(config.allowedOrigins()));
    new Endpoints(service).register(router);
    GracefulHandler graceful = new GracefulHandler(router);
    jetty.setHandler(new BodyPrefetch(graceful, config.maxBodyBytes(), config.limits().minDataRate()));
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setStopTimeout(config.stopTimeout().toMillis());
    jetty.setStopAtShutdown(false);
    try {
      jetty.start();
    } catch (Exception e) {
      try {
        jetty.stop();
      } catch (Exception ignored) {
        // it did not start; nothing to stop
      }
      service.close();
      throw new ServerStartException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
          e);
    }
    ExpirySweeper sweeper = new ExpirySweeper(service, config.sweepInterval());
    BundleWatcher watcher = config.watch() ? new BundleWatcher(service, config.watchInterval()) : null;
    WritServer server = new WritServer(service, jetty, graceful, connector, sweeper, watcher);
    LOG.info("serving revision {} from {} on {} (grants in {} {}{})", service.active().revision(), source.describe(),
        server.uri(), service.storeInfo().kind(), service.storeInfo().location(),
        config.watch() ? ", watching for changes" : "");
    return server;
  }

  /**
   * Who may call: the {@code --auth} file, or nobody's business (open) where that is safe. An
   * open service on an address other than loopback would let anyone who reaches it approve as
   * anyone, so it needs {@code --insecure-open}, said out loud.
   */
  static Authenticator authenticator(ServerConfig config) {
    if (config.authFile().isEmpty()) {
      if (!isLoopback(config.host()) && !config.insecureOpen()) {
        throw new ServerStartException("refusing to serve " + config.host() + " without --auth: anyone who reaches it "
            + "could request, approve and revoke as anyone. Give --auth FILE (docs/server.md, \"Exposing the "
            + "service\"), or --insecure-open to run open anyway");
      }
      return Authenticator.open();
    }
    Path file = config.authFile().get();
    AuthConfig auth;
    try {
      auth = AuthConfig.load(file);
    } catch (DataException e) {
      throw new ServerStartException("--auth " + e.describe());
    }
    if (!auth.certificates().isEmpty() && config.tls().flatMap(ServerConfig.Tls::clientCa).isEmpty()) {
      throw new ServerStartException("--auth " + file + " maps client certificates, but the service asks for none: "
          + "give --tls-cert, --tls-key and --client-ca");
    }
    try {
      return Authenticator.of(auth, config.clock(), config.watchInterval());
    } catch (IllegalArgumentException e) {
      throw new ServerStartException("--auth " + file + ": " + e.getMessage());
    }
  }

  /** Whether {@code host} names only this machine (a name that does not resolve is not assumed to). */
  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * HTTP settings: no version banner; and an encoded {@code /} ({@code %2F}) allowed in a path
   * segment, because entity ids may hold one ({@code Workload::"prod/api"}) and the router decodes
   * each segment on its own, so it never splits a path there.
   */
  static HttpConfiguration httpConfiguration() {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setUriCompliance(UriCompliance.DEFAULT.with("writ", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    return http;
  }

  public WritService service() {
    return service;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public URI uri() {
    String host = connector.getHost() == null ? "localhost" : connector.getHost();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((Connectors.isTls(connector) ? "https://" : "http://") + host + ":" + port());
  }

  /** Calls being handled now (a call is handled once its body has arrived). */
  public long requestsInFlight() {
    return graceful.getCurrentRequestCount();
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  /**
   * Stops gracefully: stops watching, stops accepting, lets requests in flight finish, records
   * the last expiries, closes the trail. Every acknowledged change was forced to disk when it was
   * made, so nothing is lost even if this never runs. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("stopping: finishing requests in flight");
    service.follow().end(); // audit streams end now, not at the stop timeout
    if (watcher != null) {
      watcher.close();
    }
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
    }
    sweeper.close();
    try {
      service.sweepExpired();
    } catch (RuntimeException e) {
      LOG.warn("the last expiry sweep failed: {}", e.toString());
    }
    service.close();
    LOG.info("stopped; the audit trail is closed");
  }
}
