package dev.writ.store.postgres;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.Frontend;
import dev.writ.language.diag.DiagnosticRenderer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policies the tests run (src/test/resources/replicas: an incident intent on production
 * databases, with an approval for restricted ones; dashboards without intent), and short ways to
 * build requests and facts.
 */
final class Fixture {
  private Fixture() {}

  static final EntityUid ALICE = EntityUid.parse("Employee::alice");   // sre
  static final EntityUid BOB = EntityUid.parse("Employee::bob");       // sre
  static final EntityUid CAROL = EntityUid.parse("Employee::carol");   // db-owners
  static final EntityUid METRICS = EntityUid.parse("Database::metrics"); // prod, internal
  static final EntityUid ORDERS = EntityUid.parse("Database::orders");   // prod, restricted
  static final EntityUid STAGING = EntityUid.parse("Database::staging"); // not prod

  private static PolicyContext context;

  static synchronized PolicyContext context() {
    if (context == null) {
      Path dir = resources();
      Frontend.Result r = Frontend.checkDirectory(dir.resolve("policies"));
      if (!r.ok()) {
        throw new IllegalStateException("test policies do not compile:\n" + DiagnosticRenderer.render(r.diagnostics()));
      }
      EvaluationPlan plan = PlanCompiler.compile(r.bundle().get());
      context = new PolicyContext(new Authorizer(plan),
          new EntityReader(plan.schema()).readFiles(List.of(dir.resolve("entities.yaml"))), "rev-test");
    }
    return context;
  }

  static GrantRuntime runtime(GrantStore store) {
    return new GrantRuntime(store, Clock.systemUTC(), context());
  }

  static Path resources() {
    try {
      return Path.of(Fixture.class.getResource("/replicas").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code principal} reads {@code db} during incident {@code ticket}, with MFA. */
  static AccessRequest incidentRead(EntityUid principal, EntityUid db, String ticket) {
    return new AccessRequest(principal, List.of("db:select", "db:describe"), db,
        Optional.of(new AccessRequest.IntentRef("investigate_incident", Map.of("ticket", new Value.Str(ticket)))),
        Optional.empty(), List.of(), List.of(), new Value.RecordV(Map.of("mfa", Value.Bool.TRUE)), Optional.empty(),
        List.of());
  }

  static ActionFact select(String grant, EntityUid db) {
    return new ActionFact(grant, "db:select", db, Optional.empty());
  }
}
