package dev.writ.engine.grant;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.Frontend;
import dev.writ.language.diag.DiagnosticRenderer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The small bundle and entity data the governance tests run against
 * ({@code src/test/resources/governance}), and short ways to build requests and facts.
 */
final class Gov {
  private Gov() {}

  static final Instant T0 = Instant.parse("2026-06-15T10:00:00Z");
  static final String REV = "rev-1";

  static final EntityUid ALICE = uid("Employee::alice");   // sre, db-owner
  static final EntityUid BOB = uid("Employee::bob");       // sre
  static final EntityUid CAROL = uid("Employee::carol");   // db-owner
  static final EntityUid DAVE = uid("Employee::dave");     // db-owner
  static final EntityUid ERIN = uid("Employee::erin");     // nobody in particular
  static final EntityUid FRANK = uid("Employee::frank");   // dba
  static final EntityUid BOT = uid("Assistant::triage-bot");
  static final EntityUid SUB = uid("Assistant::sub-bot");
  static final EntityUid LEAF = uid("Assistant::leaf-bot");
  static final EntityUid CI = uid("Job::ci");
  static final EntityUid ORDERS = uid("Database::orders");     // prod, restricted
  static final EntityUid METRICS = uid("Database::metrics");   // prod, internal
  static final EntityUid STAGING = uid("Database::staging");   // staging, internal
  static final EntityUid PAYROLL = uid("Database::payroll");   // prod, confidential

  private static EvaluationPlan plan;
  private static Authorizer authorizer;

  static Path resources() {
    try {
      return Path.of(Gov.class.getResource("/governance").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static synchronized EvaluationPlan plan() {
    if (plan == null) {
      Frontend.Result r = Frontend.checkDirectory(resources().resolve("policies"));
      if (!r.ok()) {
        throw new IllegalStateException("test policies do not compile:\n" + DiagnosticRenderer.render(r.diagnostics()));
      }
      plan = PlanCompiler.compile(r.bundle().get());
    }
    return plan;
  }

  static synchronized Authorizer authorizer() {
    if (authorizer == null) {
      authorizer = new Authorizer(plan());
    }
    return authorizer;
  }

  /** The entity data, with entities given as YAML replacing (by uid) or adding to the file's. */
  static EntityStore entities(String overridesYaml) {
    EntityReader reader = new EntityReader(plan().schema());
    Map<EntityUid, Entity> all = new LinkedHashMap<>();
    for (Entity e : reader.readList(DataNode.root(DataDocument.read(resources().resolve("entities.yaml"))))) {
      all.put(e.uid(), e);
    }
    if (overridesYaml != null) {
      for (Entity e : reader.readList(DataNode.root(DataDocument.parse("<overrides>", overridesYaml, true)))) {
        all.put(e.uid(), e);
      }
    }
    return EntityReader.store(new ArrayList<>(all.values()), "entities.yaml");
  }

  static PolicyContext context() {
    return context(null, REV);
  }

  static PolicyContext context(String overridesYaml, String revision) {
    return new PolicyContext(authorizer(), entities(overridesYaml), revision);
  }

  static EntityUid uid(String s) {
    return EntityUid.parse(s);
  }

  static AccessRequest.IntentRef incident(String ticket) {
    return new AccessRequest.IntentRef("investigate_incident", Map.of("ticket", new Value.Str(ticket)));
  }

  static AccessRequest.IntentRef maintenance(String change) {
    return new AccessRequest.IntentRef("maintenance", Map.of("change", new Value.Str(change)));
  }

  /** A direct request at the runtime's clock. */
  static AccessRequest request(EntityUid principal, List<String> actions, EntityUid resource,
                               AccessRequest.IntentRef intent, Long durationSeconds) {
    return new AccessRequest(principal, actions, resource, Optional.ofNullable(intent),
        Optional.ofNullable(durationSeconds), List.of(), List.of(),
        new Value.RecordV(Map.of("mfa", Value.Bool.TRUE, "ip", new Value.Str("10.1.2.3"))), Optional.empty(),
        List.of());
  }

  static ActionFact fact(String grant, String action, EntityUid resource) {
    return new ActionFact(grant, action, resource, Optional.empty());
  }

  static long minutes(long m) {
    return m * 60;
  }

  static long hours(long h) {
    return h * 3600;
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
          // best effort
        }
      });
    } catch (java.io.IOException e) {
      // best effort
    }
  }
}
