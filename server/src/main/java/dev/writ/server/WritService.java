package dev.writ.server;

import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.json.DataException;
import dev.writ.engine.request.RequestReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service behind the HTTP layer: the active policy (swapped atomically on reload), the
 * governance runtime over the durable grant store in the data directory, and the metrics.
 * HTTP handlers are thin over this and the engine.
 */
public final class WritService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WritService.class);

  /** What a reload attempt came to. */
  public enum Reload { UNCHANGED, LOADED, REFUSED }

  private final ServerConfig config;
  private final PolicySource source;
  private final ServerMetrics metrics;
  private final AtomicReference<ActivePolicy> active = new AtomicReference<>();
  private final ServiceStore store;
  private final GrantRuntime runtime;
  private Fingerprint lastSeen;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  /**
   * Loads the policies and opens the data directory.
   *
   * @throws PolicyLoadException when the policies cannot be served (nothing is opened then)
   */
  public WritService(ServerConfig config, PolicySource source, ServerMetrics metrics) {
    this.config = config;
    this.source = source;
    this.metrics = metrics;
    this.lastSeen = fingerprint();
    ActivePolicy first;
    try {
      first = load();
    } catch (PolicyLoadException e) {
      metrics.bundleLoadFailed();
      throw e;
    }
    active.set(first);
    metrics.bundleLoaded(first.revision(), first.loadedAt());
    this.store = ServiceStore.open(config, metrics);
    this.runtime = new GrantRuntime(store.store(), config.clock(), first.context());
    metrics.bindRuntime(runtime);
  }

  public ActivePolicy active() {
    return active.get();
  }

  public GrantRuntime runtime() {
    return runtime;
  }

  public GrantStore store() {
    return store.store();
  }

  /** Which store the grants are in ({@code file} or {@code postgresql}) and where, for /health and the log. */
  ServiceStore storeInfo() {
    return store;
  }

  public ServerConfig config() {
    return config;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  public PolicySource source() {
    return source;
  }

  public Instant now() {
    return config.clock().instant();
  }

  /** The last refused reload's message, while no later reload succeeded. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  public Optional<Instant> lastErrorAt() {
    return Optional.ofNullable(lastErrorAt);
  }

  /** Reloads when the bundle or entity files changed since the last attempt (the watcher's poll). */
  public synchronized Reload reloadIfChanged() {
    Fingerprint now = fingerprint();
    if (now.equals(lastSeen)) {
      return Reload.UNCHANGED;
    }
    lastSeen = now;
    return reload();
  }

  /**
   * Loads the policies and entity data again and swaps them in atomically; on any failure the
   * active policy stays as it was and the failure is logged and counted.
   */
  public synchronized Reload reload() {
    ActivePolicy previous = active.get();
    ActivePolicy next;
    try {
      next = load();
    } catch (PolicyLoadException e) {
      lastError = e.getMessage();
      lastErrorAt = now();
      metrics.bundleLoadFailed();
      LOG.warn("refused: {}; still serving revision {}{}", e.getMessage(), previous.revision(),
          e.details().isBlank() ? "" : "\n" + e.details().strip());
      return Reload.REFUSED;
    } catch (RuntimeException e) {
      lastError = "unexpected error: " + e;
      lastErrorAt = now();
      metrics.bundleLoadFailed();
      LOG.error("refused {} after an unexpected error; still serving revision {}", source.describe(),
          previous.revision(), e);
      return Reload.REFUSED;
    }
    runtime.swap(next.context());
    active.set(next);
    lastError = null;
    lastErrorAt = null;
    metrics.bundleLoaded(next.revision(), next.loadedAt());
    LOG.info("now serving revision {} from {} (was {})", next.revision(), source.describe(), previous.revision());
    return Reload.LOADED;
  }

  /** Records the expiry of every grant whose time is up; returns their ids. */
  public List<String> sweepExpired() {
    List<String> expired = runtime.expireDue(Optional.empty());
    metrics.expired(expired.size());
    return expired;
  }

  private Fingerprint fingerprint() {
    return source.fingerprint().plus(Fingerprint.of(config.entityFiles()));
  }

  private ActivePolicy load() {
    LoadedPolicy loaded = source.load();
    EntityReader entityReader = new EntityReader(loaded.plan().schema());
    EntityStore entities;
    try {
      entities = entityReader.readFiles(config.entityFiles());
    } catch (DataException e) {
      throw new PolicyLoadException("entity data: " + e.describe());
    } catch (EntityDataException e) {
      throw new PolicyLoadException("entity data: " + e.describe());
    }
    return new ActivePolicy(loaded.revision(), source.describe(), now(), loaded.plan(), new Authorizer(loaded.plan()),
        entities, new RequestReader(loaded.plan().schema()), entityReader);
  }

  /** Closes the store; every acknowledged change is durable already (forced to disk, or committed, before it was acknowledged). */
  @Override
  public void close() {
    store.store().close();
  }
}
