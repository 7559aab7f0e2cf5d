package dev.writ.server;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.audit.Answer;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The service's metrics, exposed at {@code /metrics} in the Prometheus text format:
 *
 * <ul>
 *   <li>{@code writ_decisions_total{kind,outcome}}: decisions by kind ({@code stateless}, {@code grant},
 *       {@code approval}, {@code delegation}) and outcome ({@code permit}, {@code deny}, {@code pending})</li>
 *   <li>{@code writ_action_checks_total{answer}}: action facts by answer ({@code allow}, {@code deny}, {@code revoke})</li>
 *   <li>{@code writ_drift_total{mode}}: actions outside their grant's intent, by what followed</li>
 *   <li>{@code writ_revocations_total{reason}}: revoked grants ({@code manual}, {@code drift}, {@code cascade},
 *       {@code offboarded}, {@code task-ended})</li>
 *   <li>{@code writ_expirations_total}: expiries recorded</li>
 *   <li>{@code writ_http_requests_seconds{route,method,status}}: request latency (histogram)</li>
 *   <li>{@code writ_decision_seconds}: time to evaluate one access request (histogram)</li>
 *   <li>{@code writ_bundle_info{revision}} (1 for the active revision), {@code writ_bundle_loaded_timestamp_seconds},
 *       {@code writ_bundle_loads_total}, {@code writ_bundle_load_failures_total} (every refused load), and
 *       {@code writ_bundle_rollbacks_refused_total} (those refused as rollbacks: created before the bundle served)</li>
 *   <li>{@code writ_grants_active}: grants active now</li>
 * </ul>
 */
public final class ServerMetrics {
  private static final Set<String> REVOKE_REASONS = Set.of("manual", "drift", "cascade", "offboarded", "task-ended");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer decisionTimer;
  private final Counter loads;
  private final Counter loadFailures;
  private final Counter rollbacksRefused;
  private final Counter expirations;
  private final AtomicLong loadedAt = new AtomicLong();
  private Gauge revisionGauge;
  /**
   * Meters looked up once and kept: registering through a builder on every call builds its id
   * (tags merged and sorted) and searches the registry, which cost more than the decision itself.
   * The registry hands back the same meter for the same name and tags, so these caches hold
   * nothing the registry does not.
   */
  private final ConcurrentMap<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter[]> decisionCounters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> authFailures = new ConcurrentHashMap<>();
  private final Counter[] actionChecks = new Counter[Answer.values().length];

  /** A request timer's tags. */
  private record RequestKey(String route, String method, int status) {}

  public ServerMetrics() {
    decisionTimer = Timer.builder("writ.decision").description("Time to evaluate one access request")
        .publishPercentileHistogram().register(registry);
    loads = Counter.builder("writ.bundle.loads").description("Bundles loaded and swapped in").register(registry);
    loadFailures = Counter.builder("writ.bundle.load.failures")
        .description("Bundles refused (unreadable, corrupt, unverified, with errors, rollbacks); the previous one kept"
            + " serving")
        .register(registry);
    rollbacksRefused = Counter.builder("writ.bundle.rollbacks.refused")
        .description("Bundles refused because they were created before the one being served (also counted as load"
            + " failures)")
        .register(registry);
    expirations = Counter.builder("writ.expirations").description("Grant expiries recorded").register(registry);
    Gauge.builder("writ.bundle.loaded.timestamp.seconds", loadedAt, AtomicLong::doubleValue)
        .description("When the active bundle was loaded (Unix seconds)").register(registry);
    for (Outcome o : Outcome.values()) {
      for (String kind : new String[] {"stateless", "grant", "approval", "delegation"}) {
        decisions(kind, o);
      }
    }
    for (Answer a : Answer.values()) {
      actionChecks[a.ordinal()] = actionCounter(a);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Adds the gauges that read the runtime (once it exists). */
  void bindRuntime(GrantRuntime runtime) {
    Gauge.builder("writ.grants.active", runtime, r -> r.grants(Optional.empty(), true).size())
        .description("Grants active now").register(registry);
  }

  public <T> T timeDecision(Supplier<T> decide) {
    long start = System.nanoTime();
    try {
      return decide.get();
    } finally {
      decisionTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  public void decision(String kind, Outcome outcome) {
    Counter[] byOutcome = decisionCounters.get(kind);
    if (byOutcome == null) {
      byOutcome = decisionCounters.computeIfAbsent(kind, k -> {
        Counter[] counters = new Counter[Outcome.values().length];
        for (Outcome o : Outcome.values()) {
          counters[o.ordinal()] = decisions(k, o);
        }
        return counters;
      });
    }
    byOutcome[outcome.ordinal()].increment();
  }

  private Counter decisions(String kind, Outcome outcome) {
    return Counter.builder("writ.decisions").description("Decisions by kind and outcome").tag("kind", kind)
        .tag("outcome", outcome.json()).register(registry);
  }

  public void actionCheck(ActionAnswer answer) {
    actionChecks[answer.answer().ordinal()].increment();
    if (answer.drift()) {
      Counter.builder("writ.drift").description("Actions outside their grant's intent envelope")
          .tag("mode", answer.answer() == Answer.REVOKE ? "revoke" : "deny").register(registry).increment();
    }
  }

  private Counter actionCounter(Answer answer) {
    return Counter.builder("writ.action.checks").description("Action facts checked, by answer").tag("answer", answer.json())
        .register(registry);
  }

  public void revoked(String reason) {
    String r = REVOKE_REASONS.contains(reason) ? reason : "manual";
    Counter.builder("writ.revocations").description("Grants revoked, by reason").tag("reason", r).register(registry)
        .increment();
  }

  /** A call refused with 401 or 403, by reason ({@code writ_auth_failures_total{reason}}). */
  public void authFailure(String reason) {
    authFailures.computeIfAbsent(reason, r -> Counter.builder("writ.auth.failures")
        .description("Calls refused for their credentials (401) or roles (403), by reason").tag("reason", r)
        .register(registry)).increment();
  }

  public void expired(int n) {
    if (n > 0) {
      expirations.increment(n);
    }
  }

  public void request(String route, String method, int status, long nanos) {
    RequestKey key = new RequestKey(route, methodTag(method), status);
    Timer timer = requestTimers.get(key);
    if (timer == null) {
      timer = requestTimers.computeIfAbsent(key, k -> Timer.builder("writ.http.requests")
          .description("HTTP requests by route, method and status").tag("route", k.route()).tag("method", k.method())
          .tag("status", Integer.toString(k.status())).publishPercentileHistogram().register(registry));
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The HTTP methods that get their own series; any other token a caller sends is counted as {@code OTHER}. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  /**
   * The method as a tag: a client may send any token as its method, and each new tag would be a
   * new timer with its histogram, kept for good.
   */
  static String methodTag(String method) {
    return METHODS.contains(method) ? method : "OTHER";
  }

  synchronized void bundleLoaded(String revision, Instant at) {
    if (revisionGauge != null) {
      registry.remove(revisionGauge);
    }
    revisionGauge = Gauge.builder("writ.bundle.info", () -> 1).description("The active bundle revision (value 1)")
        .tag("revision", revision).register(registry);
    loadedAt.set(at.getEpochSecond());
    loads.increment();
  }

  void bundleLoadFailed() {
    loadFailures.increment();
  }

  /** A reload refused as a rollback; {@link #bundleLoadFailed()} counts it too. */
  void rollbackRefused() {
    rollbacksRefused.increment();
  }
}
