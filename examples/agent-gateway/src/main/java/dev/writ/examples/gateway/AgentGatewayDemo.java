package dev.writ.examples.gateway;

import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.plan.EvaluationPlan;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.Frontend;
import dev.writ.language.ast.Durations;
import dev.writ.language.diag.DiagnosticRenderer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The story of one incident, told through an AI agent's tool gateway:
 *
 * <ol>
 *   <li>Alice, an SRE, requests read access to the production orders database for incident
 *       INC-4711. The data is restricted, so the request waits for a database owner.</li>
 *   <li>Carol, a database owner, approves; the grant is issued for two hours (the rule's ttl).</li>
 *   <li>Alice delegates a narrower grant (only {@code db:select}, 30 minutes) to her triage agent,
 *       which passes it on to a SQL sub-agent.</li>
 *   <li>The agent's tool calls go through the {@link ToolGateway}: a query is allowed, a describe
 *       is denied (not delegated), and an UPDATE drifts outside the incident's read-only intent,
 *       so the agent's grant and the sub-agent's are revoked. Alice's grant is untouched.</li>
 *   <li>The audit trail is printed and its hash chain verified.</li>
 * </ol>
 *
 * Run it with {@code mvn -B -ntp -q -pl examples/agent-gateway -am package -DskipTests -Pdemo}.
 */
public final class AgentGatewayDemo {
  static final EntityUid ALICE = EntityUid.parse("Employee::alice");
  static final EntityUid CAROL = EntityUid.parse("Employee::carol");
  static final EntityUid TRIAGE_BOT = EntityUid.parse("Assistant::triage-bot");
  static final EntityUid SQL_RUNNER = EntityUid.parse("Assistant::sql-runner");
  static final EntityUid ORDERS = EntityUid.parse("Database::orders");

  /** What happened, step by step; the tests read this. */
  public record Story(RequestResult requested, RequestResult approved, RequestResult delegated,
                      RequestResult subDelegated, List<ToolGateway.Outcome> calls, Grant sponsorAfter,
                      List<AuditRecord> trail, TrailVerifier.Result verification) {}

  public static void main(String[] args) throws IOException {
    Path data = Files.createTempDirectory("writ-agent-gateway");
    run(data, System.out);
    System.out.println("\n(the trail is in " + data.resolve("audit.jsonl") + ")");
  }

  public static Story run(Path dataDir, PrintStream out) throws IOException {
    // The policies and entity data ship with the example (src/main/resources).
    EvaluationPlan plan = compile(resource("policies"));
    EntityStore entities = new EntityReader(plan.schema()).readFiles(List.of(resource("entities.yaml")));
    RequestReader json = new RequestReader(plan.schema());

    // A clock we move by hand, so the story reads the same every time.
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T10:00:00Z"));

    // Grants and the audit trail live in dataDir; every change is on disk before it returns.
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dataDir)) {
      GrantRuntime writ = new GrantRuntime(store, clock, new PolicyContext(new Authorizer(plan), entities,
          "incident-response-1"));
      ToolGateway gateway = new ToolGateway(writ);

      out.println("== 1. Alice asks for read access to prod orders, for incident INC-4711");
      RequestResult requested = writ.request(json.request(node("""
          { "principal": "Employee::alice", "actions": ["db:select", "db:describe"],
            "resource": "Database::orders", "intent": { "name": "investigate_incident", "ticket": "INC-4711" },
            "duration": "3h", "context": { "mfa": true } }""")));
      show(out, requested);

      out.println("== 2. Carol, a database owner, approves");
      clock.advance(120);
      RequestResult approved = writ.approve(requested.id(), CAROL, Optional.empty());
      show(out, approved);

      out.println("== 3. Alice hands her triage agent a narrower grant, which it passes to a SQL sub-agent");
      clock.advance(60);
      RequestResult delegated = writ.delegate(approved.id(), TRIAGE_BOT, Optional.of(List.of("db:select")),
          Optional.of(30 * 60L), Optional.empty());
      show(out, delegated);
      RequestResult subDelegated = writ.delegate(delegated.id(), SQL_RUNNER, Optional.empty(), Optional.empty(),
          Optional.empty());
      show(out, subDelegated);

      out.println("== 4. The agents' tool calls go through the gateway");
      List<ToolGateway.Outcome> calls = new ArrayList<>();
      for (ToolGateway.ToolCall call : List.of(
          new ToolGateway.ToolCall(delegated.id(), "sql.query", ORDERS, "SELECT status FROM orders WHERE id = 42"),
          new ToolGateway.ToolCall(delegated.id(), "sql.describe", ORDERS, "orders"),
          new ToolGateway.ToolCall(subDelegated.id(), "sql.query", ORDERS, "SELECT count(*) FROM orders"),
          // The agent decides to "fix" the order. Writing is outside the incident's read-only intent.
          new ToolGateway.ToolCall(delegated.id(), "sql.execute", ORDERS, "UPDATE orders SET status = 'ok'"),
          new ToolGateway.ToolCall(subDelegated.id(), "sql.query", ORDERS, "SELECT 1"),
          new ToolGateway.ToolCall(approved.id(), "sql.query", ORDERS, "SELECT 2"))) {
        clock.advance(30);
        ToolGateway.Outcome o = gateway.call(call);
        calls.add(o);
        out.printf("  %-12s %-7s via %s -> %s%s%s%n", call.tool(), "(" + o.answer().answer() + ")", call.grant(),
            o.output().orElse("refused"), o.answer().drift() ? ", DRIFT" : "",
            o.answer().revoked().isEmpty() ? "" : ", revoked " + o.answer().revoked());
        o.answer().reasons().forEach(r -> out.println("               because " + r));
      }
      Grant sponsorAfter = writ.grant(approved.id()).orElseThrow();
      out.println("  Alice's own grant " + sponsorAfter.id() + " is still "
          + sponsorAfter.state().kind().name().toLowerCase(java.util.Locale.ROOT));

      out.println("== 5. The audit trail");
      List<AuditRecord> trail = writ.audit(r -> true);
      for (AuditRecord r : trail) {
        Map<String, Object> e = DataDocument.JSON.convertValue(r.json(), Map.class);
        out.printf("  %2d %-9s %-9s %-22s %s%n", r.seq(), e.get("event"), e.get("grant"), e.get("principal"),
            detail(e));
      }
      TrailVerifier.Result verification = TrailVerifier.verify(dataDir.resolve("audit.jsonl"));
      out.println(verification.ok() ? "  trail verified: " + verification.records() + " records, head "
          + verification.headHash().substring(0, 16) + "..." : "  TRAIL DAMAGED: " + verification.problem());
      return new Story(requested, approved, delegated, subDelegated, calls, sponsorAfter, trail, verification);
    }
  }

  private static void show(PrintStream out, RequestResult r) {
    var d = r.decision();
    out.println("  " + r.id() + ": " + d.decision().json() + d.ttlSeconds().map(s -> " for " + Durations.format(s)).orElse("")
        + (d.pending().isEmpty() ? "" : ", waiting for " + d.pending().get(0).from())
        + (d.reasons().isEmpty() ? "" : ", because " + String.join("; ", d.reasons())));
  }

  /** The one field of an event worth a glance in a listing. */
  private static String detail(Map<String, Object> e) {
    for (String key : List.of("decision", "by", "answer", "reason", "to", "expires_at", "actions")) {
      if (e.get(key) != null) {
        String extra = "action".equals(e.get("event")) || "drift".equals(e.get("event")) ? " " + e.get("action") : "";
        return key + "=" + e.get(key) + extra;
      }
    }
    return "drift".equals(e.get("event")) ? "action=" + e.get("action") + " mode=" + e.get("mode") : "";
  }

  private static DataNode node(String text) {
    return DataNode.root(DataDocument.parse("request", text, false));
  }

  private static EvaluationPlan compile(Path policies) {
    Frontend.Result checked = Frontend.checkDirectory(policies);
    if (!checked.ok()) {
      throw new IllegalStateException("the example's policies have errors:\n"
          + DiagnosticRenderer.render(checked.diagnostics()));
    }
    return PlanCompiler.compile(checked.bundle().get());
  }

  /** A resource as a path, whether the example runs from classes on disk or from a jar. */
  private static Path resource(String name) throws IOException {
    URI uri;
    try {
      uri = AgentGatewayDemo.class.getResource("/" + name).toURI();
    } catch (java.net.URISyntaxException | NullPointerException e) {
      throw new IOException("missing resource " + name, e);
    }
    if (uri.getScheme().equals("jar")) {
      try {
        FileSystems.getFileSystem(uri);
      } catch (FileSystemNotFoundException e) {
        FileSystems.newFileSystem(uri, Map.of());
      }
    }
    return Path.of(uri);
  }
}
