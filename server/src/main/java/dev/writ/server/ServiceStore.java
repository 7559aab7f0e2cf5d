package dev.writ.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.TrailRepair;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.grant.StoreUnavailableException;
import dev.writ.engine.json.DataDocument;
import dev.writ.store.postgres.PostgresGrantStore;
import io.micrometer.core.instrument.FunctionCounter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the service keeps grants, pending requests and the audit trail: the file store in the
 * data directory (the default), or PostgreSQL with {@code --store}, shared by every replica on
 * the same database. Either way behind {@link MeteredGrantStore}.
 *
 * @param kind     {@code file} or {@code postgresql}
 * @param location the data directory, or the database URL without a password
 * @param repair   the torn tail that opening the file store cut, if any (to be logged)
 * @param notes    what else opening found worth a warning (a snapshot that was ignored, and why)
 */
record ServiceStore(MeteredGrantStore store, String kind, String location, Optional<TrailRepair> repair,
                    java.util.List<String> notes) {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceStore.class);

  /**
   * @throws ServerStartException when the store cannot be opened (naming the setting)
   */
  static ServiceStore open(ServerConfig config, ServerMetrics metrics) {
    if (config.store().isPresent()) {
      var settings = config.store().get();
      PostgresGrantStore pg;
      try {
        pg = PostgresGrantStore.open(settings);
      } catch (StoreUnavailableException e) {
        throw new ServerStartException("--store: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new ServerStartException("--store " + settings.location() + ": " + e.getMessage(), e);
      }
      FunctionCounter.builder("writ.store.records.from.replicas", pg, PostgresGrantStore::recordsFromOthers)
          .description("Audit records this process applied from changes committed by other replicas")
          .register(metrics.registry());
      return new ServiceStore(new MeteredGrantStore(pg, metrics.registry(), "postgresql"), "postgresql",
          settings.location(), Optional.empty(), java.util.List.of());
    }
    EventSourcedGrantStore file;
    long start = System.nanoTime();
    try {
      file = EventSourcedGrantStore.open(config.dataDir());
    } catch (RuntimeException e) {
      throw new ServerStartException("cannot use the data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    long records = file.lastSeq();
    long from = file.trail() instanceof dev.writ.engine.audit.FileAuditTrail t ? t.resumedFrom() : 0;
    LOG.info("opened the trail in {}: {} records, {} in {} ms", config.dataDir(), records, from > 0
        ? "the grant table from the snapshot at record " + from + " and " + (records - from) + " replayed after it"
        : "all replayed (no snapshot used)", ms);
    long[] grants = file.grantCounts();
    LOG.info("grants: {} in memory, {} ended ones kept as their trail records (read back when asked for)", grants[0],
        grants[1]);
    if (file.trail() instanceof dev.writ.engine.audit.FileAuditTrail trail) {
      FunctionCounter.builder("writ.store.flushes", trail, dev.writ.engine.audit.FileAuditTrail::forces)
          .description("Forces of the audit trail to disk (fdatasync); concurrent changes share one (group commit)")
          .register(metrics.registry());
    }
    return new ServiceStore(new MeteredGrantStore(file, metrics.registry(), "file"), "file",
        config.dataDir().toString(), file.repair(), file.notes());
  }

  /**
   * Writes the store's part of {@code /health}: {@code grants_active} and {@code audit_head} (null
   * while the store cannot be reached), and {@code store: {kind, reachable, error?}}. The database's
   * address is not shown (the endpoint is open); the log has it. Returns whether it was reachable.
   */
  boolean health(ObjectNode o, GrantRuntime runtime) {
    ObjectNode s = DataDocument.JSON.createObjectNode();
    s.put("kind", kind);
    try {
      o.put("grants_active", runtime.grants(Optional.empty(), true).size());
      o.put("audit_head", store.head());
      s.put("reachable", true);
    } catch (StoreUnavailableException e) {
      o.putNull("grants_active");
      o.putNull("audit_head");
      s.put("reachable", false);
      s.put("error", e.getMessage());
    }
    o.set("store", s);
    return s.path("reachable").asBoolean();
  }

  /** The PostgreSQL store, when that is the kind. */
  Optional<PostgresGrantStore> postgres() {
    return store.unwrap() instanceof PostgresGrantStore pg ? Optional.of(pg) : Optional.empty();
  }
}
