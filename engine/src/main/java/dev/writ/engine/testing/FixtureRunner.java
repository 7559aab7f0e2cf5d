package dev.writ.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityReader;
import dev.writ.language.vocab.Schema;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.grant.GrantIds;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.NarrowingResult;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.CompiledRule;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.request.Delegation;
import dev.writ.engine.request.Narrowing;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.diag.DiagnosticRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs fixture suites (docs/suites.md): stateless cases against the plan, stateful scenarios
 * against a {@link GrantRuntime} with an in-memory store and a clock that only moves when told.
 * Shared by {@code mvn policy:test}, {@code writ test} and the project's own tests. Collects
 * rule coverage from the explanations of every decision made.
 */
public final class FixtureRunner {
  private final Path defaultPolicies;
  private final NameFilter filter;
  private final Clock clock;
  private final Map<Path, Object> plans = new HashMap<>(); // EvaluationPlan, or the error text
  private final Map<String, RuleCoverage> coverage = new TreeMap<>();

  /**
   * @param filter a glob on suite and case names ({@code -Dpolicy.test}); null runs everything
   * @param clock  the time for suites that give no {@code now}
   */
  public FixtureRunner(Path defaultPolicies, String filter, Clock clock) {
    this.defaultPolicies = defaultPolicies.toAbsolutePath().normalize();
    this.filter = filter == null || filter.isBlank() ? null : new NameFilter(filter);
    this.clock = clock;
  }

  /** Suite files under a directory, in path order. */
  public static List<Path> findSuites(Path testDir) {
    if (!Files.isDirectory(testDir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(testDir)) {
      return walk.filter(Files::isRegularFile).filter(SuiteReader::isSuite).sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new DataException(testDir.toString(), "cannot read the test directory: " + e.getMessage());
    }
  }

  public TestRun run(Path testDir) {
    return run(findSuites(testDir));
  }

  public TestRun run(List<Path> suiteFiles) {
    List<SuiteResult> results = new ArrayList<>();
    for (Path f : suiteFiles) {
      SuiteResult r = runSuite(f);
      if (r.error().isPresent() || !r.cases().isEmpty()) {
        results.add(r);
      }
    }
    planOf(defaultPolicies); // so that coverage lists the rules of the main bundle even if no suite ran
    return new TestRun(results, List.copyOf(coverage.values()));
  }

  // ---- suites ------------------------------------------------------------------------

  public SuiteResult runSuite(Path file) {
    long start = System.nanoTime();
    FixtureSuite suite;
    try {
      suite = SuiteReader.read(file, defaultPolicies);
    } catch (DataException e) {
      return new SuiteResult(file, file.getFileName().toString(), List.of(), Optional.of(e.describe()), seconds(start));
    }
    boolean suiteSelected = filter == null || filter.matches(suite.name())
        || filter.matches(file.getFileName().toString());
    List<FixtureSuite.Case> cases = suite.cases().stream()
        .filter(c -> suiteSelected || filter.matches(c.name()) || filter.matches(suite.name() + "/" + c.name())).toList();
    List<FixtureSuite.Scenario> scenarios = suite.scenarios().stream()
        .filter(s -> suiteSelected || filter.matches(s.name()) || filter.matches(suite.name() + "/" + s.name())).toList();
    if (cases.isEmpty() && scenarios.isEmpty()) {
      return new SuiteResult(file, suite.name(), List.of(), Optional.empty(), seconds(start));
    }
    Object loaded = planOf(suite.policies());
    if (loaded instanceof String error) {
      return new SuiteResult(file, suite.name(), List.of(), Optional.of(error), seconds(start));
    }
    EvaluationPlan plan = (EvaluationPlan) loaded;
    EntityStore store;
    try {
      store = entities(suite, plan.schema());
    } catch (DataException e) {
      return new SuiteResult(file, suite.name(), List.of(), Optional.of(e.describe()), seconds(start));
    } catch (EntityDataException e) {
      return new SuiteResult(file, suite.name(), List.of(), Optional.of(file + ": entities: " + e.getMessage()),
          seconds(start));
    }
    Instant now = suite.now().orElseGet(clock::instant);
    Authorizer authorizer = new Authorizer(plan);
    RequestReader reader = new RequestReader(plan.schema());
    List<CaseResult> results = new ArrayList<>();
    for (FixtureSuite.Case c : cases) {
      results.add(runCase(c, authorizer, reader, store, now));
    }
    for (FixtureSuite.Scenario s : scenarios) {
      results.add(runScenario(s, authorizer, reader, store, now));
    }
    return new SuiteResult(file, suite.name(), results, Optional.empty(), seconds(start));
  }

  /**
   * A suite's entities (inline, or the files it names, relative to the suite), read against
   * {@code schema}.
   *
   * @throws DataException when a file is missing or unreadable
   * @throws EntityDataException when the data is wrong for the schema
   */
  public static EntityStore entities(FixtureSuite suite, Schema schema) {
    EntityReader reader = new EntityReader(schema);
    DataNode n = suite.entities();
    if (n.isMissing()) {
      return EntityStore.empty();
    }
    List<Entity> all = new ArrayList<>();
    if (n.node().isTextual() || (n.node().isArray() && n.node().size() > 0 && n.node().get(0).isTextual())) {
      for (DataNode p : n.elementsOrOne()) {
        // Shown as the suite's own path is: relative to where the tests run, when below it.
        Path f = relativeToWorkingDirectory(suite.file().toAbsolutePath().getParent().resolve(p.string()).normalize());
        if (!Files.isRegularFile(f)) {
          throw p.error("entity file `" + p.string() + "` does not exist (looked for " + f + ")");
        }
        all.addAll(reader.readList(DataNode.root(DataDocument.read(f))));
      }
    } else {
      all.addAll(reader.readList(n));
    }
    return EntityReader.store(all, suite.file().toString());
  }

  private Object planOf(Path dir) {
    Path key = dir.toAbsolutePath().normalize();
    Path shown = relativeToWorkingDirectory(key);
    return plans.computeIfAbsent(key, d -> {
      CompiledPolicies result = CompiledPolicies.fromDirectory(shown);
      if (!result.ok()) {
        return "the policies in " + d + " do not compile:\n" + DiagnosticRenderer.render(result.diagnostics());
      }
      EvaluationPlan plan = result.evaluationPlan();
      for (int i = 0; i < plan.ruleCount(); i++) {
        CompiledRule r = plan.rule(i);
        coverage.putIfAbsent(r.name, new RuleCoverage(r.name, r.forbid, r.data.at(), false, false));
      }
      return plan;
    });
  }

  /** Paths in messages are relative to where the user ran the tests, when they are below it. */
  private static Path relativeToWorkingDirectory(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    return p.startsWith(cwd) && !p.equals(cwd) ? cwd.relativize(p) : p;
  }

  // ---- cases -------------------------------------------------------------------------

  private CaseResult runCase(FixtureSuite.Case c, Authorizer authorizer, RequestReader reader, EntityStore store,
                             Instant now) {
    long start = System.nanoTime();
    String location = c.node().doc().at(c.node().pointer());
    try {
      AccessRequest request = reader.request(c.request());
      Decision d = authorizer.decide(request, store, DecideOptions.at(now).explaining());
      record(authorizer.plan(), d, request, store);
      List<String> failures = Expectations.decision(c.expect(), d);
      return new CaseResult(c.name(), false, failures.isEmpty() ? CaseResult.Status.PASSED : CaseResult.Status.FAILED,
          failures, explain(d), location, seconds(start));
    } catch (DataException e) {
      return error(c.name(), false, e.describe(), e.location(), start);
    } catch (BadRequestException | EntityDataException e) {
      return error(c.name(), false, location + ": bad request: " + e.getMessage(), location, start);
    }
  }

  private static CaseResult error(String name, boolean scenario, String message, String location, long start) {
    return new CaseResult(name, scenario, CaseResult.Status.ERROR, List.of(message), "", location, seconds(start));
  }

  // ---- scenarios ---------------------------------------------------------------------

  private CaseResult runScenario(FixtureSuite.Scenario s, Authorizer authorizer, RequestReader reader,
                                 EntityStore store, Instant now) {
    long start = System.nanoTime();
    MutableClock time = new MutableClock(now);
    // Sequential ids: a suite's reports and failure messages read the same on every run.
    GrantRuntime runtime = new GrantRuntime(EventSourcedGrantStore.inMemory(), time,
        new PolicyContext(authorizer, store, "fixture"), GrantIds.sequential()).explaining(true);
    Map<String, String> names = new LinkedHashMap<>();
    int index = 0;
    for (FixtureSuite.Step step : s.steps()) {
      index++;
      String where = step.node().doc().at(step.node().pointer());
      String label = "step " + index + " (" + step.kind().key() + ", " + where + ")";
      try {
        StepOutcome outcome = runStep(step, runtime, reader, names, time, authorizer.plan());
        if (!outcome.failures.isEmpty()) {
          List<String> failures = new ArrayList<>();
          outcome.failures.forEach(f -> failures.add(label + ": " + f));
          return new CaseResult(s.name(), true, CaseResult.Status.FAILED, failures, outcome.explanation, where,
              seconds(start));
        }
      } catch (DataException e) {
        // The label names the step's file and line; say them again only for a problem elsewhere.
        return error(s.name(), true, label + ": " + (where.equals(e.location()) ? e.getMessage() : e.describe()),
            e.location(), start);
      } catch (BadRequestException | GrantException | EntityDataException e) {
        return error(s.name(), true, label + ": " + e.getMessage(), where, start);
      }
    }
    DataNode audit = s.audit();
    if (!audit.isMissing()) {
      List<AuditRecord> trail = runtime.audit(r -> true);
      int pos = 0;
      for (DataNode entry : audit.elements()) {
        Map<String, JsonNode> want = new LinkedHashMap<>();
        entry.entries().forEach(e -> {
          JsonNode v = e.getValue().node();
          if ((e.getKey().equals("grant") || e.getKey().equals("parent")) && v.isTextual() && names.containsKey(v.asText())) {
            v = TextNode.valueOf(names.get(v.asText()));
          }
          want.put(e.getKey(), v);
        });
        int found = -1;
        for (int i = pos; i < trail.size(); i++) {
          if (Expectations.auditMatches(want, trail.get(i).json())) {
            found = i;
            break;
          }
        }
        if (found < 0) {
          String where = entry.doc().at(entry.pointer());
          List<String> failures = List.of("audit (" + where + "): no event matching " + entry.node()
              + " after event " + pos + " of the trail (in order; names resolve to " + names + ")");
          return new CaseResult(s.name(), true, CaseResult.Status.FAILED, failures, renderTrail(trail), where,
              seconds(start));
        }
        pos = found + 1;
      }
    }
    return new CaseResult(s.name(), true, CaseResult.Status.PASSED, List.of(), "",
        s.node().doc().at(s.node().pointer()), seconds(start));
  }

  private record StepOutcome(List<String> failures, String explanation) {}

  private StepOutcome runStep(FixtureSuite.Step step, GrantRuntime runtime, RequestReader reader,
                              Map<String, String> names, MutableClock time, EvaluationPlan plan) {
    DataNode n = step.node();
    DataNode expect = n.field("expect");
    switch (step.kind()) {
      case REQUEST -> {
        AccessRequest request = reader.request(step.value());
        RequestResult r = runtime.request(request);
        return decided(r, n, names, expect, plan, request, runtime);
      }
      case APPROVE -> {
        String id = resolve(step.value(), names);
        EntityUid by = n.required("by").entity();
        Optional<Instant> at = n.field("at").isMissing() ? Optional.empty() : Optional.of(n.field("at").instant());
        return decided(runtime.approve(id, by, at), null, names, expect, plan, null, runtime);
      }
      case DELEGATE -> {
        String parent = resolve(step.value(), names);
        Delegation asked = RequestReader.delegation(n);
        Optional<Instant> at = n.field("at").isMissing() ? Optional.empty() : Optional.of(n.field("at").instant());
        return decided(runtime.delegate(parent, asked.to(), asked.actions(), asked.durationSeconds(), at), n, names,
            expect, plan, null, runtime);
      }
      case ACT -> {
        DataNode fact = step.value();
        fact.requireObject().onlyFields(Set.of("grant", "action", "resource", "time"));
        String grant = resolve(fact.required("grant"), names);
        Optional<Instant> at = fact.field("time").isMissing() ? Optional.empty() : Optional.of(fact.field("time").instant());
        ActionAnswer answer = runtime.act(new ActionFact(grant, fact.required("action").string(),
            fact.required("resource").entity(), at));
        if (expect.isMissing()) {
          return new StepOutcome(List.of(), "");
        }
        return new StepOutcome(Expectations.action(expect, answer), "answer: " + answer.answer().json()
            + (answer.reasons().isEmpty() ? "" : " (" + String.join("; ", answer.reasons()) + ")"));
      }
      case REVOKE -> {
        String id = resolve(step.value(), names);
        Optional<Instant> at = n.field("at").isMissing() ? Optional.empty() : Optional.of(n.field("at").instant());
        List<String> revoked = runtime.revoke(id, n.field("reason").optString().orElse("manual"), at);
        return revokedOutcome(expect, revoked, names);
      }
      case OFFBOARD -> {
        Optional<Instant> at = n.field("at").isMissing() ? Optional.empty() : Optional.of(n.field("at").instant());
        EntityUid who = step.value().entity();
        if (runtime.policy().entities().get(who) == null) {
          // A typo here would otherwise offboard nobody and pass: refuse it as a request refuses one.
          throw step.value().error("unknown entity `" + who + "`: the suite's entities do not have it");
        }
        List<String> revoked = runtime.offboard(who, at);
        return revokedOutcome(expect, revoked, names);
      }
      case ADVANCE -> {
        time.advance(step.value().duration());
        return new StepOutcome(List.of(), "");
      }
      case NARROW -> {
        String id = resolve(step.value(), names);
        Narrowing asked = RequestReader.narrowing(n);
        Optional<Instant> at = n.field("at").isMissing() ? Optional.empty() : Optional.of(n.field("at").instant());
        NarrowingResult r = runtime.narrow(id, asked.actions(), asked.durationSeconds(), asked.reason().orElse(null), at);
        if (expect.isMissing()) {
          return new StepOutcome(List.of(), "");
        }
        return new StepOutcome(Expectations.narrowing(expect, r, names, at.orElseGet(time::instant)),
            "narrowed: " + r.grant().id() + " keeps " + r.grant().actions() + " until " + r.grant().expiresAt()
                + "; descendants narrowed " + r.narrowed() + ", revoked " + r.revoked());
      }
      case END_TASK -> {
        DataNode task = step.value();
        task.requireObject().onlyFields(Set.of("intent", "params"));
        AccessRequest.IntentRef ref = RequestReader.task(task);
        Optional<Instant> at = n.field("at").isMissing() ? Optional.empty() : Optional.of(n.field("at").instant());
        List<String> revoked = runtime.endTask(ref.name(), ref.params(),
            RequestReader.reason(n.field("reason")).orElse(null), at);
        return revokedOutcome(expect, revoked, names);
      }
      default -> throw new IllegalStateException("internal invariant violated: step " + step.kind());
    }
  }

  /** {@code expect: {revoked: [names]}} on revoke and offboard steps. */
  private static StepOutcome revokedOutcome(DataNode expect, List<String> revoked, Map<String, String> names) {
    if (expect.isMissing()) {
      return new StepOutcome(List.of(), "");
    }
    expect.requireObject().onlyFields(Set.of("revoked"));
    List<String> failures = new ArrayList<>();
    // `expect: {}` says nothing was revoked, as `revoked: []` does.
    Expectations.compareIds(failures, "revoked", expect.field("revoked"), revoked, names, true);
    return new StepOutcome(failures, "");
  }

  private StepOutcome decided(RequestResult r, DataNode step, Map<String, String> names, DataNode expect,
                              EvaluationPlan plan, AccessRequest request, GrantRuntime runtime) {
    record(plan, r.decision(), request, runtime.policy().entities());
    if (step != null && !step.field("as").isMissing() && r.grant().isPresent()) {
      names.put(step.field("as").scalarText(), r.id());
    }
    if (expect.isMissing()) {
      return new StepOutcome(List.of(), "");
    }
    return new StepOutcome(Expectations.decision(expect, r.decision()), explain(r.decision()));
  }

  /** A name bound with {@code as}, else taken as a grant id. */
  private static String resolve(DataNode ref, Map<String, String> names) {
    String text = ref.scalarText();
    return names.getOrDefault(text, text);
  }

  // ---- coverage and explanations -----------------------------------------------------

  /**
   * Coverage from a decision's explanation. A rule is seen applying when its scope and conditions
   * held (for some action or principal), and seen not applying when it was a candidate (its
   * action, principal and resource were close enough for the index to propose it) and its scope
   * or a condition did not hold, or it errored as a grant. A rule that no request came near is not
   * "seen not applying": that would say nothing about its conditions. Besides candidates, a rule
   * that the request matched on some scope clause (same action, or same principal, or same
   * resource) and that did not apply counts as seen not applying: that is how an unconditional
   * rule's boundary is tested.
   */
  private void record(EvaluationPlan plan, Decision d, AccessRequest request, EntityStore store) {
    if (d.explanation().isEmpty()) {
      return;
    }
    Set<String> applied = new HashSet<>();
    Set<String> notApplied = new HashSet<>();
    for (RuleTrace t : d.explanation().get()) {
      switch (t.result()) {
        case APPLIES, SATISFIED, PENDING_APPROVAL, DELEGATION_REFUSED -> applied.add(t.policy());
        case ERROR -> (t.effect().equals("forbid") ? applied : notApplied).add(t.policy());
        case NOT_APPLICABLE -> notApplied.add(t.policy());
      }
    }
    for (String name : applied) {
      mark(name, true, false);
    }
    for (String name : notApplied) {
      mark(name, false, true);
    }
    if (request == null) {
      return;
    }
    EntityStore entities = store.overlay(request.entities());
    if (entities.get(request.principal()) == null || entities.get(request.resource()) == null) {
      return;
    }
    for (int i = 0; i < plan.ruleCount(); i++) {
      CompiledRule rule = plan.rule(i);
      if (applied.contains(rule.name) || notApplied.contains(rule.name)) {
        continue;
      }
      for (String action : request.actions()) {
        if (rule.relevantTo(entities, request.principal(), action, request.resource())) {
          mark(rule.name, false, true);
          break;
        }
      }
    }
  }

  private void mark(String name, boolean applied, boolean notApplied) {
    RuleCoverage c = coverage.get(name);
    if (c != null) {
      coverage.put(name, new RuleCoverage(name, c.forbid(), c.at(), c.applied() || applied, c.notApplied() || notApplied));
    }
  }

  static String explain(Decision d) {
    StringBuilder out = new StringBuilder();
    out.append("decision: ").append(d.decision().json());
    d.ttlSeconds().ifPresent(t -> out.append(", ttl ").append(dev.writ.language.vocab.Durations.format(t)));
    out.append('\n');
    d.reasons().forEach(r -> out.append("  reason: ").append(r).append('\n'));
    d.errors().forEach(e -> out.append("  error in ").append(e.policy()).append(" at ").append(e.at()).append(": ")
        .append(e.message()).append('\n'));
    if (d.explanation().isPresent()) {
      if (d.explanation().get().isEmpty()) {
        out.append("  no rule was a candidate for this request\n");
      }
      for (RuleTrace t : d.explanation().get()) {
        out.append("  ").append(t.effect()).append(' ').append(t.policy()).append(" (").append(t.action())
            .append(" as ").append(t.principal()).append("): ").append(t.result().json()).append(" - ")
            .append(t.detail()).append('\n');
      }
    }
    return out.toString();
  }

  private static String renderTrail(List<AuditRecord> trail) {
    StringBuilder out = new StringBuilder("the scenario's audit trail:\n");
    for (AuditRecord r : trail) {
      JsonNode j = r.json();
      out.append("  ").append(r.seq()).append(' ').append(j.path("event").asText()).append(" grant=")
          .append(j.path("grant").asText());
      if (j.has("reason")) {
        out.append(" reason=").append(j.path("reason").asText());
      }
      if (j.has("answer")) {
        out.append(" answer=").append(j.path("answer").asText());
      }
      if (j.has("decision")) {
        out.append(" decision=").append(j.path("decision").asText());
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
