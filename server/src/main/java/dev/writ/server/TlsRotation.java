package dev.writ.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS from the TLS files, kept current without a restart: Jetty's {@link SslContextFactory}
 * built from them, and, while the server runs (a bean of the Jetty server, started and stopped
 * with it), a poll of the files every interval. When they change, the new files are read and
 * checked ({@link TlsFiles}) and swapped in with {@link SslContextFactory#reload}; connections
 * made from then on see the new certificate, those already open keep theirs. Files that are
 * refused (half-written, a key that does not match the certificate) are logged and counted,
 * the previous certificate keeps serving, and they are tried again when they change again.
 *
 * <p>Metrics: {@code writ_tls_reloads_total}, {@code writ_tls_reload_failures_total} and
 * {@code writ_tls_certificate_expiry_timestamp_seconds} (the served certificate's not-after).
 */
final class TlsRotation extends AbstractLifeCycle {
  private static final Logger LOG = LoggerFactory.getLogger(TlsRotation.class);

  private final ServerConfig.Tls files;
  private final Duration interval;
  private final SslContextFactory.Server ssl;
  private final Counter reloads;
  private final Counter failures;
  private final AtomicLong expiry = new AtomicLong();
  private volatile TlsFiles.Material serving;
  private Fingerprint seen;
  private PeriodicTask task;

  private TlsRotation(ServerConfig.Tls files, Duration interval, TlsFiles.Material initial, Fingerprint seen,
                      ServerMetrics metrics) {
    this.files = files;
    this.interval = interval;
    this.serving = initial;
    this.seen = seen;
    ssl = new SslContextFactory.Server();
    configure(ssl, initial);
    // Mutual TLS when client CAs are given: a client without a certificate, or with one that does
    // not chain to them, fails the handshake.
    ssl.setNeedClientAuth(files.clientCa().isPresent());
    // TLS 1.2 renegotiation only costs the server (handshakes on demand); TLS 1.3 has none.
    ssl.setRenegotiationAllowed(false);
    reloads = Counter.builder("writ.tls.reloads").description("Rotated TLS files loaded and swapped in")
        .register(metrics.registry());
    failures = Counter.builder("writ.tls.reload.failures")
        .description("Rotated TLS files refused (unreadable, half-written, key and certificate not a pair); "
            + "the previous certificate kept serving")
        .register(metrics.registry());
    expiry.set(initial.certificate().getNotAfter().toInstant().getEpochSecond());
    Gauge.builder("writ.tls.certificate.expiry.timestamp.seconds", expiry, AtomicLong::doubleValue)
        .description("When the served TLS certificate expires (Unix seconds)").register(metrics.registry());
  }

  /**
   * Reads the files and builds the TLS context.
   *
   * @throws ServerStartException when a file cannot be used (the message names it and says why)
   */
  static TlsRotation create(ServerConfig.Tls files, Duration interval, ServerMetrics metrics) {
    Fingerprint before = fingerprint(files);
    TlsFiles.Material material;
    try {
      material = TlsFiles.load(files);
    } catch (TlsFiles.InvalidTlsFile e) {
      throw new ServerStartException("cannot serve TLS: " + e.getMessage(), e);
    }
    LOG.info("TLS: serving {}{}", material.describe(),
        files.clientCa().isPresent() ? ", client certificates required (" + files.clientCa().get() + ")" : "");
    warnIfNotValidNow(material);
    return new TlsRotation(files, interval, material, before, metrics);
  }

  SslContextFactory.Server sslContextFactory() {
    return ssl;
  }

  /** What is served now. */
  TlsFiles.Material serving() {
    return serving;
  }

  @Override
  protected void doStart() {
    task = new PeriodicTask("writ-tls-watcher", interval, this::reloadIfChanged);
  }

  @Override
  protected void doStop() {
    if (task != null) {
      task.close();
      task = null;
    }
  }

  /** One poll: loads the files if they changed since they were last looked at. */
  void reloadIfChanged() {
    Fingerprint now = fingerprint(files);
    if (now.equals(seen)) {
      return;
    }
    // Recorded before loading: files refused now are tried again only once they change again.
    seen = now;
    TlsFiles.Material next;
    try {
      next = TlsFiles.load(files);
    } catch (TlsFiles.InvalidTlsFile e) {
      failures.increment();
      LOG.warn("TLS: refused the changed files, still serving {}: {}", serving.describe(), e.getMessage());
      return;
    }
    try {
      ssl.reload(f -> configure(f, next));
    } catch (Exception e) {
      failures.increment();
      LOG.error("TLS: Jetty refused the changed files; going back to {}", serving.describe(), e);
      TlsFiles.Material previous = serving;
      try {
        ssl.reload(f -> configure(f, previous));
      } catch (Exception again) {
        LOG.error("TLS: the previous certificate could not be restored either; handshakes fail until the files "
            + "are fixed", again);
      }
      return;
    }
    serving = next;
    expiry.set(next.certificate().getNotAfter().toInstant().getEpochSecond());
    reloads.increment();
    LOG.info("TLS: now serving {}", next.describe());
    warnIfNotValidNow(next);
  }

  /** Served anyway (a client may accept it, and refusing it would not bring a valid one back), but said. */
  private static void warnIfNotValidNow(TlsFiles.Material m) {
    try {
      m.certificate().checkValidity();
    } catch (java.security.cert.CertificateExpiredException e) {
      LOG.warn("TLS: the served certificate expired at {}; clients will refuse it",
          m.certificate().getNotAfter().toInstant());
    } catch (java.security.cert.CertificateNotYetValidException e) {
      LOG.warn("TLS: the served certificate is valid only from {}; clients will refuse it until then",
          m.certificate().getNotBefore().toInstant());
    }
  }

  private static void configure(SslContextFactory f, TlsFiles.Material m) {
    f.setKeyStore(m.keyStore());
    f.setKeyStorePassword(TlsFiles.KEY_STORE_PASSWORD);
    f.setTrustStore(m.trustStore().orElse(null));
  }

  private static Fingerprint fingerprint(ServerConfig.Tls files) {
    List<Path> paths = new ArrayList<>(List.of(files.certificate(), files.key()));
    files.clientCa().ifPresent(paths::add);
    return Fingerprint.of(paths);
  }
}
