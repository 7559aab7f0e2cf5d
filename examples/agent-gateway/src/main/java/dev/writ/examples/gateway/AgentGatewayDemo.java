package dev.writ.examples.gateway;

import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.bundle.BundleReader;
import dev.writ.engine.bundle.LoadedBundle;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantIds;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantState;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The story of one incident, told through an AI agent's tool gateway, under the policy library's
 * {@code incident_db} rules (policies/src/main/policy/incident_db/):
 *
 * <ol>
 *   <li>Alice, the on-call SRE, requests read access to the production payments database for
 *       incident INC-4712. The data is restricted, so the request waits for a data owner.</li>
 *   <li>Carol, a data owner, approves; the grant is issued for two hours (the rule's ttl).</li>
 *   <li>Alice delegates a narrower grant (only {@code db:select}, 30 minutes) to her investigation
 *       agent. The agent tries to pass it on to a sub-agent: refused, the policy allows one level.</li>
 *   <li>The agent's tool calls go through the {@link ToolGateway}: a query is allowed, a describe
 *       is denied (not delegated), and a query on the orders database drifts outside the declared
 *       intent (an incident of the payments service), so the agent's grant, with everything
 *       delegated from it, is revoked. Alice's grant is untouched.</li>
 *   <li>The audit trail is printed and its hash chain verified.</li>
 * </ol>
 *
 * <p>The policies are not in this program: it loads the library's compiled bundle
 * ({@code writ-policies.wbundle}, copied onto the classpath by the build) with {@link BundleReader},
 * as an enforcement point does. The parser never runs here.
 *
 * <p>Run it with {@code mvn -B -ntp package -DskipTests -Pdemo} from the repository root.
 */
public final class AgentGatewayDemo {
  static final EntityUid ALICE = EntityUid.parse("Employee::alice");
  static final EntityUid CAROL = EntityUid.parse("Employee::carol");
  static final EntityUid AGENT = EntityUid.parse("InvestigationAgent::query-copilot");
  static final EntityUid SUB_AGENT = EntityUid.parse("InvestigationAgent::log-summarizer");
  static final EntityUid PAYMENTS_DB = EntityUid.parse("Database::payments-prod");
  static final EntityUid ORDERS_DB = EntityUid.parse("Database::orders-prod");

  /** What happened, step by step; the tests read this. */
  public record Story(String revision, RequestResult requested, RequestResult approved, RequestResult delegated,
                      RequestResult subDelegated, List<ToolGateway.Outcome> calls, Grant sponsorAfter,
                      List<String> taskEnded, Grant sponsorEnded, List<AuditRecord> trail,
                      TrailVerifier.Result verification) {}

  public static void main(String[] args) throws IOException {
    Path data = Files.createTempDirectory("writ-agent-gateway");
    run(data, System.out);
    System.out.println("\n(the trail is in " + data.resolve("audit.jsonl") + ")");
  }

  public static Story run(Path dataDir, PrintStream out) throws IOException {
    // The compiled, published policy bundle: its content digest is checked before anything is
    // decoded. A real enforcement point would also pass the publisher's public key, so that only
    // signed bundles load: new BundleReader(Optional.of(key)).
    LoadedBundle bundle = new BundleReader(Optional.empty()).read(classpath("writ-policies.wbundle"),
        "writ-policies.wbundle");
    String revision = bundle.manifest().revision();
    out.println("Policy bundle " + revision + ": " + bundle.manifest().rules().size() + " rules, written by "
        + bundle.manifest().writer());

    // Who is who (directory, agent registry, database inventory), checked against the bundle's schema.
    EntityReader entityReader = new EntityReader(bundle.evaluationPlan().schema());
    EntityStore entities = EntityReader.store(entityReader.readList(DataNode.root(DataDocument.parse(
        "entities.yaml", new String(classpath("entities.yaml"), StandardCharsets.UTF_8), true))), "entities.yaml");
    RequestReader requests = new RequestReader(bundle.evaluationPlan().schema());

    // A clock we move by hand, so the story reads the same every time.
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T10:00:00Z"));

    // Grants and the audit trail live in dataDir; every change is on disk before it returns.
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dataDir)) {
      // Sequential ids (g-000001, ...), like the clock, so the story reads the same every time; an
      // application exposed to callers keeps the default, random ids that cannot be guessed.
      GrantRuntime writ = new GrantRuntime(store, clock,
          new PolicyContext(new Authorizer(bundle.evaluationPlan()), entities, revision), GrantIds.sequential());
      ToolGateway gateway = new ToolGateway(writ);

      // 1. Access is asked for a task, not a role: the intent names the incident and the service
      //    it affects, and the envelope of what that task may touch follows from it. Restricted data
      //    needs a data owner, so the request waits; it keeps its id until approved.
      //    The gateway is the enforcement point: it authenticated Alice (her single sign-on session
      //    shows a second factor) and states what her credential says in `context.caller`, as
      //    `writ serve` does from a token; `source_ip` is the address it saw her connect from.
      out.println("== 1. Alice, on call, asks to read the payments database for incident INC-4712");
      RequestResult requested = writ.request(requests.request(node("""
          { "principal": "Employee::alice", "actions": ["db:select", "db:describe"],
            "resource": "Database::payments-prod",
            "intent": { "name": "investigate_db_incident", "ticket": "INC-4712", "service": "payments" },
            "duration": "3h",
            "context": { "caller": { "principal": "Employee::alice", "mfa": true, "ip": "10.20.4.7" },
                         "source_ip": "10.20.4.7" } }""")));
      show(out, requested);

      // 2. Someone other than the requester approves. The grant is just in time and time-bound:
      //    two hours, the rule's ttl, though Alice asked for three.
      out.println("== 2. Carol, a data owner, approves");
      clock.advance(120);
      RequestResult approved = writ.approve(requested.id(), CAROL, Optional.empty());
      show(out, approved);

      // 3. Delegation only narrows: the agent gets one action for thirty minutes, and the chain
      //    remembers its human sponsor. The policy (delegate agent depth 1) stops it there.
      out.println("== 3. Alice hands her investigation agent a narrower grant; it tries to pass it on");
      clock.advance(60);
      RequestResult delegated = writ.delegate(approved.id(), AGENT, Optional.of(List.of("db:select")),
          Optional.of(30 * 60L), Optional.empty());
      show(out, delegated);
      RequestResult subDelegated = writ.delegate(delegated.id(), SUB_AGENT, Optional.empty(), Optional.empty(),
          Optional.empty());
      show(out, subDelegated); // the reason names the rule and its `depth 1`

      // 4. Every tool call is an action check against the grant it is made under. The agent
      //    wanders to another service's database: that is outside the declared intent (drift), and
      //    the intent says `on drift revoke`.
      out.println("== 4. The agent's tool calls go through the gateway");
      List<ToolGateway.Outcome> calls = new ArrayList<>();
      for (ToolGateway.ToolCall call : List.of(
          new ToolGateway.ToolCall(delegated.id(), "sql.query", PAYMENTS_DB, "SELECT status FROM charges WHERE id = 42"),
          new ToolGateway.ToolCall(delegated.id(), "sql.describe", PAYMENTS_DB, "charges"),
          new ToolGateway.ToolCall(delegated.id(), "sql.query", ORDERS_DB, "SELECT * FROM customers"),
          new ToolGateway.ToolCall(delegated.id(), "sql.query", PAYMENTS_DB, "SELECT 1"),
          new ToolGateway.ToolCall(approved.id(), "sql.query", PAYMENTS_DB, "SELECT 2"))) {
        clock.advance(30);
        ToolGateway.Outcome o = gateway.call(call);
        calls.add(o);
        out.printf("  %-12s on %-24s via %s: %-6s -> %s%s%s%n", call.tool(), call.resource(), call.grant(),
            o.answer().answer().json(), o.output().orElse("refused"), o.answer().drift() ? ", DRIFT" : "",
            o.answer().revoked().isEmpty() ? "" : ", revoked " + o.answer().revoked());
        o.answer().reasons().forEach(r -> out.println("               because " + r));
      }
      Grant sponsorAfter = writ.grant(approved.id()).orElseThrow();
      out.println("  Alice's own grant " + sponsorAfter.id() + " is still "
          + sponsorAfter.state().kind().name().toLowerCase(Locale.ROOT));

      // 5. Access ends with the task: when the incident's ticket is closed, the ticketing system
      //    ends the task (as its webhook would call POST /v1/tasks/end), and every grant still
      //    serving INC-4712 is revoked, whoever holds it; nobody has to know the grants' ids.
      out.println("== 5. The incident is resolved: its ticket closes and ends the task");
      clock.advance(600);
      List<String> taskEnded = writ.endTask("investigate_db_incident", Map.of("ticket", new Value.Str("INC-4712")),
          "INC-4712 resolved", Optional.empty());
      Grant sponsorEnded = writ.grant(approved.id()).orElseThrow();
      out.println("  task investigate_db_incident {ticket: INC-4712} ended: revoked " + taskEnded
          + (sponsorEnded.state() instanceof GrantState.Revoked r ? " (" + r.reason() + ")" : ""));

      // 6. The trail ties every action to its task, chain, approvers, rules and bundle revision,
      //    and its hash chain shows whether anyone rewrote it.
      out.println("== 6. The audit trail");
      List<AuditRecord> trail = writ.audit(r -> true);
      for (AuditRecord r : trail) {
        Map<?, ?> e = DataDocument.JSON.convertValue(r.json(), Map.class);
        out.printf("  %2d %-9s %-9s %-34s %s%n", r.seq(), e.get("event"), e.get("grant"), e.get("principal"),
            detail(e));
      }
      TrailVerifier.Result verification = TrailVerifier.verify(dataDir.resolve("audit.jsonl"));
      out.println(verification.ok() ? "  trail verified: " + verification.records() + " records, head "
          + verification.headHash().substring(0, 16) + "..." : "  TRAIL DAMAGED: " + verification.problem());
      return new Story(revision, requested, approved, delegated, subDelegated, calls, sponsorAfter, taskEnded,
          sponsorEnded, trail, verification);
    }
  }

  private static void show(PrintStream out, RequestResult r) {
    var d = r.decision();
    out.println("  " + r.id() + ": " + d.decision().json() + d.ttlSeconds().map(s -> " for " + Durations.format(s)).orElse("")
        + (d.pending().isEmpty() ? "" : ", waiting for " + d.pending().get(0).from())
        + (d.policies().isEmpty() ? "" : ", by " + String.join(", ", d.policies()))
        + (d.reasons().isEmpty() ? "" : ", because " + String.join("; ", d.reasons())));
  }

  /** The one field of an event worth a glance in a listing. */
  private static String detail(Map<?, ?> e) {
    if ("drift".equals(e.get("event"))) {
      return "action=" + e.get("action") + " on " + e.get("resource") + " mode=" + e.get("mode");
    }
    for (String key : List.of("decision", "by", "answer", "reason", "to", "expires_at", "actions")) {
      if (e.get(key) != null) {
        return key + "=" + e.get(key) + ("action".equals(e.get("event")) ? " " + e.get("action") : "");
      }
    }
    return "";
  }

  private static DataNode node(String json) {
    return DataNode.root(DataDocument.parse("request", json, false));
  }

  /** A file the build put on the classpath (src/main/resources, and the copied bundle). */
  private static byte[] classpath(String name) throws IOException {
    try (InputStream in = AgentGatewayDemo.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException(name + " is not on the classpath; build the example with Maven (see README.md)");
      }
      return in.readAllBytes();
    }
  }
}
