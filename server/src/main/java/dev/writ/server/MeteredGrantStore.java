package dev.writ.server;

import dev.writ.engine.audit.AuditPage;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.grant.GrantTable;
import dev.writ.engine.grant.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The service's grant store, timed: {@code writ_store_seconds{operation, outcome}} (a histogram
 * over every change, read and trail query, lock waits and database round trips included),
 * {@code writ_store_errors_total{operation}} (calls that failed because the store could not be
 * reached or used) and {@code writ_store_up} (1 while the last call reached the store, 0 after one
 * that could not).
 */
final class MeteredGrantStore implements GrantStore {
  private final GrantStore store;
  private final MeterRegistry registry;
  private final AtomicInteger up = new AtomicInteger(1);
  /** Meters looked up once per operation and outcome, not built again for every call. */
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  MeteredGrantStore(GrantStore store, MeterRegistry registry, String kind) {
    this.store = store;
    this.registry = registry;
    io.micrometer.core.instrument.Gauge.builder("writ.store.up", up, AtomicInteger::doubleValue)
        .description("1 while the grant store answers, 0 after a call that could not reach it").tag("kind", kind)
        .register(registry);
    for (String op : new String[] {"update", "read", "audit"}) {
      errors(op);
    }
  }

  /** The store underneath (for what only that kind of store can tell). */
  GrantStore unwrap() {
    return store;
  }

  /** Whether the last call reached the store. */
  boolean up() {
    return up.get() == 1;
  }

  @Override
  public <T> Committed<T> commit(Function<GrantTable, Change<T>> op) {
    return timed("update", () -> store.commit(op));
  }

  /** Timed until the change is durable (or fails to be), which is when its caller is answered. */
  @Override
  public <T> Deferred<T> commitDeferred(Function<GrantTable, Change<T>> op) {
    long start = System.nanoTime();
    Deferred<T> d = timed("update", start, () -> store.commitDeferred(op), false);
    d.durable().whenComplete((done, failure) -> {
      Throwable cause = failure instanceof CompletionException c && c.getCause() != null
          ? c.getCause() : failure;
      record("update", start, cause == null ? "ok" : outcome(cause));
    });
    return d;
  }

  @Override
  public <T> T read(Function<GrantTable, T> query) {
    return timed("read", () -> store.read(query));
  }

  @Override
  public AuditPage audit(long after, int limit, Predicate<AuditRecord> filter) {
    return timed("audit", () -> store.audit(after, limit, filter));
  }

  @Override
  public long lastSeq() {
    return timed("read", store::lastSeq);
  }

  @Override
  public String head() {
    return timed("read", store::head);
  }

  @Override
  public void close() {
    store.close();
  }

  private <T> T timed(String operation, Supplier<T> call) {
    return timed(operation, System.nanoTime(), call, true);
  }

  /** Runs {@code call}; records its time when it fails, and when it succeeds if {@code recordOk}. */
  private <T> T timed(String operation, long start, Supplier<T> call, boolean recordOk) {
    try {
      T result = call.get();
      up.set(1);
      if (recordOk) {
        record(operation, start, "ok");
      }
      return result;
    } catch (RuntimeException e) {
      record(operation, start, outcome(e));
      throw e;
    }
  }

  /**
   * {@code refused}: the store answered (an unknown id, a grant in the wrong state); {@code
   * unavailable}: it could not be reached or used (counted, and {@code writ_store_up} drops to 0).
   */
  private String outcome(Throwable e) {
    if (e instanceof GrantException) {
      up.set(1);
      return "refused";
    }
    if (e instanceof StoreUnavailableException) {
      up.set(0);
      return "unavailable";
    }
    return "error";
  }

  private void record(String operation, long start, String outcome) {
    if (outcome.equals("unavailable")) {
      errors(operation).increment();
    }
    timer(operation, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String operation, String outcome) {
    return timers.computeIfAbsent(operation + ' ' + outcome, k -> Timer.builder("writ.store")
        .description("Grant store calls: changes, reads and trail queries").tag("operation", operation)
        .tag("outcome", outcome).publishPercentileHistogram().register(registry));
  }

  private Counter errors(String operation) {
    return Counter.builder("writ.store.errors").description("Grant store calls that failed because the store "
        + "could not be reached or used").tag("operation", operation).register(registry);
  }
}
