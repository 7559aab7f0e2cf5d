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
  private final AuditFollow follow = new AuditFollow();
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
      first = load(Optional.empty());
    } catch (PolicyLoadException e) {
      metrics.bundleLoadFailed();
      throw e;
    }
    active.set(first);
    metrics.bundleLoaded(first.revision(), first.loadedAt());
    this.store = ServiceStore.open(config, metrics);
    store.repair().ifPresent(cut -> LOG.warn("{}", cut.message()));
    store.notes().forEach(n -> LOG.warn("{}", n));
    this.runtime = new GrantRuntime(store.store(), config.clock(), first.context());
    metrics.bindRuntime(runtime);
  }

  /** What {@code GET /v1/audit?follow=true} streams wait on; ended when the service stops. */
  AuditFollow follow() {
    return follow;
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
   * active policy stays as it was and the failure is logged and counted. A bundle created before
   * the one being served is refused as a rollback unless {@link ServerConfig#allowRollback()}.
   */
  public synchronized Reload reload() {
    ActivePolicy previous = active.get();
    ActivePolicy next;
    try {
      next = load(Optional.of(previous));
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
    if (isOlder(next, previous)) {
      LOG.warn("rolling back, as --allow-rollback permits: revision {}, created at {}, replaces revision {}, created at"
          + " {}", next.revision(), next.created().get(), previous.revision(), previous.created().get());
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

  /**
   * Loads the policies and the entity data.
   *
   * @param previous what is being served (empty at start): a bundle created before it is refused
   *                 as a rollback, unless rollbacks are allowed
   */
  private ActivePolicy load(Optional<ActivePolicy> previous) {
    LoadedPolicy loaded = source.load();
    if (previous.isPresent() && !config.allowRollback() && isOlder(loaded.created(), previous.get().created())) {
      metrics.rollbackRefused();
      ActivePolicy p = previous.get();
      throw new PolicyLoadException(source.describe() + " holds revision " + loaded.revision() + ", created at "
          + loaded.created().get() + ", before the bundle being served (revision " + p.revision() + ", created at "
          + p.created().get() + "): a rollback; to go back to older policies, build them into a new bundle, or run"
          + " with --allow-rollback");
    }
    EntityReader entityReader = new EntityReader(loaded.plan().schema());
    EntityStore entities;
    try {
      entities = entityReader.readFiles(config.entityFiles());
    } catch (DataException e) {
      throw new PolicyLoadException("entity data: " + e.describe());
    } catch (EntityDataException e) {
      throw new PolicyLoadException("entity data: " + e.describe());
    }
    return new ActivePolicy(loaded.revision(), source.describe(), now(), loaded.created(), loaded.plan(),
        new Authorizer(loaded.plan()), entities, new RequestReader(loaded.plan().schema()), entityReader);
  }

  private static boolean isOlder(ActivePolicy next, ActivePolicy previous) {
    return isOlder(next.created(), previous.created());
  }

  /**
   * Whether a creation time is strictly before another; never when either is unknown. An equal
   * time is no rollback: a bundle rebuilt or re-signed with a fixed build timestamp keeps it.
   */
  private static boolean isOlder(Optional<Instant> next, Optional<Instant> previous) {
    return next.isPresent() && previous.isPresent() && next.get().isBefore(previous.get());
  }

  /** Closes the store; every acknowledged change is durable already (forced to disk, or committed, before it was acknowledged). */
  @Override
  public void close() {
    store.store().close();
  }
}
