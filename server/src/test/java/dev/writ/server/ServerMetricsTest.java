package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.decision.Outcome;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The meters the service keeps at hand (looked up once, not per call) are the registry's own:
 * whatever sequence of calls is recorded, each meter counts exactly the calls with its tags, as
 * registering a meter per call did.
 */
class ServerMetricsTest {
  private static final String[] ROUTES = {"/v1/decisions", "/v1/grants/{id}", "unmatched"};
  /** Two methods of HTTP and two tokens a caller made up, which share one series, {@code OTHER}. */
  private static final String[] METHODS = {"GET", "POST", "BREW", "X-ANYTHING"};
  private static final int[] STATUSES = {200, 400, 401, 404, 503};
  private static final String[] KINDS = {"stateless", "grant", "authzen"};

  @Test
  void eachRequestTimerCountsTheCallsWithItsTags() {
    qt().forAll(lists().of(integers().between(0, ROUTES.length * METHODS.length * STATUSES.length - 1))
        .ofSizeBetween(0, 60)).checkAssert(calls -> {
          ServerMetrics metrics = new ServerMetrics();
          Map<List<String>, Integer> expected = new HashMap<>();
          for (int c : calls) {
            String route = ROUTES[c % ROUTES.length];
            String method = METHODS[c / ROUTES.length % METHODS.length];
            int status = STATUSES[c / ROUTES.length / METHODS.length];
            metrics.request(route, method, status, 1_000 + c);
            String tag = method.equals("GET") || method.equals("POST") ? method : "OTHER";
            expected.merge(List.of(route, tag, Integer.toString(status)), 1, Integer::sum);
          }
          int meters = 0;
          for (Timer t : metrics.registry().find("writ.http.requests").timers()) {
            List<String> tags = List.of(t.getId().getTag("route"), t.getId().getTag("method"), t.getId().getTag("status"));
            assertEquals(expected.get(tags).longValue(), t.count(), tags.toString());
            meters++;
          }
          assertEquals(expected.size(), meters);
        });
  }

  @Test
  void decisionAndRefusalCountersAreTheRegistrysOwn() {
    qt().forAll(lists().of(integers().between(0, KINDS.length * Outcome.values().length - 1)).ofSizeBetween(0, 60))
        .checkAssert(calls -> {
          ServerMetrics metrics = new ServerMetrics();
          Map<List<String>, Integer> expected = new HashMap<>();
          for (int c : calls) {
            String kind = KINDS[c % KINDS.length];
            Outcome outcome = Outcome.values()[c / KINDS.length];
            metrics.decision(kind, outcome);
            metrics.authFailure(kind); // any label: the counter per reason
            expected.merge(List.of(kind, outcome.json()), 1, Integer::sum);
          }
          for (String kind : KINDS) {
            for (Outcome o : Outcome.values()) {
              double counted = metrics.registry().find("writ.decisions").tag("kind", kind).tag("outcome", o.json())
                  .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
              assertEquals(expected.getOrDefault(List.of(kind, o.json()), 0).doubleValue(), counted, kind + " " + o);
            }
            long refused = calls.stream().filter(c -> KINDS[c % KINDS.length].equals(kind)).count();
            double counted = metrics.registry().find("writ.auth.failures").tag("reason", kind).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
            assertEquals((double) refused, counted, kind);
          }
        });
  }
}
