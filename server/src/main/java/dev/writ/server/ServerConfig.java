package dev.writ.server;

import dev.writ.store.postgres.PostgresStoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the enforcement service runs. Immutable; {@link #defaults()} gives the documented defaults
 * and the {@code with...} methods change one setting each.
 *
 * @param host            the address to bind (loopback by default: exposing a decision point is a choice)
 * @param port            the port; 0 picks a free one (tests)
 * @param dataDir         grants, pending requests and the audit trail ({@code audit.jsonl})
 * @param entityFiles     entity data laid under every decision (re-read on reload)
 * @param maxBodyBytes    requests with a larger body get 413
 * @param maxBatch        most requests in one {@code POST /v1/decisions} batch
 * @param watch           whether to poll the bundle (and entity files) and swap in changes
 * @param watchInterval   how often to poll when watching (also the TLS files and JWKS files)
 * @param sweepInterval   how often expired grants are looked for and recorded
 * @param stopTimeout     how long a graceful stop waits for requests in flight
 * @param maxClockSkew    how far in the future of the service clock a client-given {@code time} may be
 *                        on a call that changes state, when client time is allowed at all
 * @param clock           the service clock (tests move it)
 * @param tls             HTTPS (and mutual TLS) from PEM files; empty serves plain HTTP
 * @param authFile        who may call and with which roles ({@code --auth}); empty runs the service open
 * @param insecureOpen    allows an open service (no {@code --auth}) on an address other than loopback
 * @param allowClientTime honours a client's {@code time}/{@code at} on calls that change state (tests, replays)
 * @param allowedOrigins  browser origins whose requests are accepted (a call with another {@code Origin} is 403)
 * @param allowRollback   accepts, under {@code --watch}, a bundle created before the one being served
 * @param openMetrics     serves {@code /metrics} without credentials even with {@code --auth}
 * @param limits          connection limits that keep slow or idle clients from starving the service
 * @param store           grants and the trail in PostgreSQL, shared by several replicas ({@code --store});
 *                        empty: the file store in {@code dataDir}
 */
public record ServerConfig(String host, int port, Path dataDir, List<Path> entityFiles, long maxBodyBytes,
                           int maxBatch, boolean watch, Duration watchInterval, Duration sweepInterval,
                           Duration stopTimeout, Duration maxClockSkew, Clock clock, Optional<Tls> tls,
                           Optional<Path> authFile, boolean insecureOpen, boolean allowClientTime,
                           List<String> allowedOrigins, boolean allowRollback, boolean openMetrics,
                           Limits limits, Optional<PostgresStoreSettings> store) {
  public static final int DEFAULT_PORT = 8181;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /**
   * TLS from PEM files as cert-manager and SPIFFE issue them; the files are watched and a
   * rotated pair is picked up without a restart.
   *
   * @param certificate PEM certificate chain, the server's first
   * @param key         PEM PKCS#8 private key
   * @param clientCa    PEM bundle of the CAs client certificates must chain to (mutual TLS); empty: none asked
   */
  public record Tls(Path certificate, Path key, Optional<Path> clientCa) {
    public Tls {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(clientCa, "clientCa");
    }
  }

  /**
   * Limits on connections (Jetty's own): a client that sends its body slower than
   * {@code minDataRate} bytes/s or idles longer than {@code idleTimeout} is cut off; at most
   * {@code maxConnections} are open at once (others wait in the accept queue).
   */
  public record Limits(Duration idleTimeout, long minDataRate, int maxConnections) {
    public static Limits defaults() {
      return new Limits(Duration.ofSeconds(30), 1024, 1000);
    }
  }

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(authFile, "authFile");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(store, "store");
    entityFiles = List.copyOf(entityFiles);
    allowedOrigins = List.copyOf(allowedOrigins);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("the body limit must be at least 1 byte");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("the batch limit must be at least 1");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", DEFAULT_PORT, Path.of("writ-data"), List.of(), DEFAULT_MAX_BODY_BYTES, 1000,
        false, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Clock.systemUTC(), Optional.empty(), Optional.empty(), false, false, List.of(), false, false,
        Limits.defaults(), Optional.empty());
  }

  public ServerConfig withHost(String h) {
    return copy().host(h).build();
  }

  public ServerConfig withPort(int p) {
    return copy().port(p).build();
  }

  public ServerConfig withDataDir(Path d) {
    return copy().dataDir(d).build();
  }

  public ServerConfig withEntityFiles(List<Path> files) {
    return copy().entityFiles(files).build();
  }

  public ServerConfig withMaxBodyBytes(long n) {
    return copy().maxBodyBytes(n).build();
  }

  public ServerConfig withMaxBatch(int n) {
    return copy().maxBatch(n).build();
  }

  public ServerConfig withWatch(boolean w, Duration interval) {
    return copy().watch(w).watchInterval(interval).build();
  }

  public ServerConfig withSweepInterval(Duration d) {
    return copy().sweepInterval(d).build();
  }

  public ServerConfig withStopTimeout(Duration d) {
    return copy().stopTimeout(d).build();
  }

  public ServerConfig withMaxClockSkew(Duration d) {
    return copy().maxClockSkew(d).build();
  }

  public ServerConfig withClock(Clock c) {
    return copy().clock(c).build();
  }

  public ServerConfig withTls(Optional<Tls> t) {
    return copy().tls(t).build();
  }

  public ServerConfig withAuthFile(Optional<Path> f) {
    return copy().authFile(f).build();
  }

  public ServerConfig withInsecureOpen(boolean b) {
    return copy().insecureOpen(b).build();
  }

  public ServerConfig withAllowClientTime(boolean b) {
    return copy().allowClientTime(b).build();
  }

  public ServerConfig withAllowedOrigins(List<String> origins) {
    return copy().allowedOrigins(origins).build();
  }

  public ServerConfig withAllowRollback(boolean b) {
    return copy().allowRollback(b).build();
  }

  public ServerConfig withOpenMetrics(boolean b) {
    return copy().openMetrics(b).build();
  }

  public ServerConfig withLimits(Limits l) {
    return copy().limits(l).build();
  }

  public ServerConfig withStore(Optional<PostgresStoreSettings> s) {
    return copy().store(s).build();
  }

  private Builder copy() {
    return new Builder(this);
  }

  /** A mutable copy, so that each {@code with...} method names only the setting it changes. */
  private static final class Builder {
    private String host;
    private int port;
    private Path dataDir;
    private List<Path> entityFiles;
    private long maxBodyBytes;
    private int maxBatch;
    private boolean watch;
    private Duration watchInterval;
    private Duration sweepInterval;
    private Duration stopTimeout;
    private Duration maxClockSkew;
    private Clock clock;
    private Optional<Tls> tls;
    private Optional<Path> authFile;
    private boolean insecureOpen;
    private boolean allowClientTime;
    private List<String> allowedOrigins;
    private boolean allowRollback;
    private boolean openMetrics;
    private Limits limits;
    private Optional<PostgresStoreSettings> store;

    Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      dataDir = c.dataDir;
      entityFiles = c.entityFiles;
      maxBodyBytes = c.maxBodyBytes;
      maxBatch = c.maxBatch;
      watch = c.watch;
      watchInterval = c.watchInterval;
      sweepInterval = c.sweepInterval;
      stopTimeout = c.stopTimeout;
      maxClockSkew = c.maxClockSkew;
      clock = c.clock;
      tls = c.tls;
      authFile = c.authFile;
      insecureOpen = c.insecureOpen;
      allowClientTime = c.allowClientTime;
      allowedOrigins = c.allowedOrigins;
      allowRollback = c.allowRollback;
      openMetrics = c.openMetrics;
      limits = c.limits;
      store = c.store;
    }

    Builder host(String v) {
      host = v;
      return this;
    }

    Builder port(int v) {
      port = v;
      return this;
    }

    Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    Builder entityFiles(List<Path> v) {
      entityFiles = v;
      return this;
    }

    Builder maxBodyBytes(long v) {
      maxBodyBytes = v;
      return this;
    }

    Builder maxBatch(int v) {
      maxBatch = v;
      return this;
    }

    Builder watch(boolean v) {
      watch = v;
      return this;
    }

    Builder watchInterval(Duration v) {
      watchInterval = v;
      return this;
    }

    Builder sweepInterval(Duration v) {
      sweepInterval = v;
      return this;
    }

    Builder stopTimeout(Duration v) {
      stopTimeout = v;
      return this;
    }

    Builder maxClockSkew(Duration v) {
      maxClockSkew = v;
      return this;
    }

    Builder clock(Clock v) {
      clock = v;
      return this;
    }

    Builder tls(Optional<Tls> v) {
      tls = v;
      return this;
    }

    Builder authFile(Optional<Path> v) {
      authFile = v;
      return this;
    }

    Builder insecureOpen(boolean v) {
      insecureOpen = v;
      return this;
    }

    Builder allowClientTime(boolean v) {
      allowClientTime = v;
      return this;
    }

    Builder allowedOrigins(List<String> v) {
      allowedOrigins = v;
      return this;
    }

    Builder allowRollback(boolean v) {
      allowRollback = v;
      return this;
    }

    Builder openMetrics(boolean v) {
      openMetrics = v;
      return this;
    }

    Builder limits(Limits v) {
      limits = v;
      return this;
    }

    Builder store(Optional<PostgresStoreSettings> v) {
      store = v;
      return this;
    }

    ServerConfig build() {
      return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval,
          sweepInterval, stopTimeout, maxClockSkew, clock, tls, authFile, insecureOpen, allowClientTime,
          allowedOrigins, allowRollback, openMetrics, limits, store);
    }
  }
}
