package dev.writ.engine.reference;

import static org.quicktheories.QuickTheory.qt;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.IndexProbe;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.Decider;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.testing.Fixtures;
import dev.writ.engine.testing.FixtureWriter;
import dev.writ.engine.testing.OutcomeMix;
import dev.writ.engine.testing.RequestGen;
import dev.writ.engine.testing.Scenario;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.generators.Generate;

/**
 * Differential properties: on generated bundles, entity stores and requests, the plan evaluator
 * (Authorizer over PlanCompiler) decides exactly as the reference evaluator does; its rule index
 * never leaves out a rule that applies (or errors); and no decision depends on the order of the
 * rules or files of a bundle. On the side, a quarter of the decisions are also made by the plan as
 * an enforcement service loads it (written to a {@code .wbundle} and read back).
 *
 * <p>System properties: {@code writ.differential.tries} (default 10000 scenarios, each with
 * {@value Scenario#REQUESTS_PER_SCENARIO} requests), {@code writ.differential.pool} (distinct
 * bundles, default tries / 8), {@code writ.reorder.tries} (default 600),
 * {@code writ.differential.seed} (a fixed QuickTheories seed), {@code writ.differential.positions}
 * (default true: errors must agree on policy and position; false: on policy only; messages are
 * free text and never compared), {@code writ.gen.knownDifferences} (see PolicyGen).
 *
 * <p>A failing case is reported, after shrinking, in the fixture formats: policy files,
 * entities, request, and both decisions (the last one found is also written to
 * {@code target/differential-failures/latest.txt}).
 */
class DifferentialProperties {
  static final int TRIES = Integer.getInteger("writ.differential.tries", 10_000);
  static final int POOL = Integer.getInteger("writ.differential.pool", Math.max(1, TRIES / 8));
  static final int REORDER_TRIES = Integer.getInteger("writ.reorder.tries", 600);
  static final DecisionDiff.Errors ERRORS = Boolean.parseBoolean(System.getProperty("writ.differential.positions",
      "true")) ? DecisionDiff.Errors.POLICIES_AND_POSITIONS : DecisionDiff.Errors.POLICIES;

  private static final Map<CheckedBundle, Authorizer> PLANS = new ConcurrentHashMap<>();

  private static final Map<CheckedBundle, Authorizer> LOADED = new ConcurrentHashMap<>();

  private static Authorizer plan(CheckedBundle bundle) {
    return PLANS.computeIfAbsent(bundle, b -> new Authorizer(PlanCompiler.compile(b)));
  }

  /** The plan as an enforcement service has it: written to a `.wbundle` and read back, without the parser. */
  private static Authorizer loaded(CheckedBundle bundle) {
    return LOADED.computeIfAbsent(bundle, b -> {
      byte[] bytes = new dev.writ.engine.bundle.BundleWriter("differential", Optional.empty())
          .write(PlanCompiler.lower(b), new java.util.TreeMap<>());
      return new Authorizer(new dev.writ.engine.bundle.BundleReader(Optional.empty()).read(bytes, "generated.wbundle")
          .evaluationPlan());
    });
  }

  /** The QuickTheories seed: given, or fresh for each run (and then printed, so a failure can be replayed). */
  static final long SEED = Long.getLong("writ.differential.seed", System.nanoTime());

  private static QuickTheory theory(int examples) {
    return qt().withExamples(examples).withShrinkCycles(100).withGenerateAttempts(examples * 10).withFixedSeed(SEED);
  }

  /** What happened to one request under one evaluator: a decision, a refusal, or a crash. */
  private record Result(Decision decision, String refusal, Throwable crash) {
    static Result of(Decider decider, AccessRequest request, Scenario s, DecideOptions options) {
      try {
        return new Result(decider.decide(request, s.store(), options), null, null);
      } catch (BadRequestException e) {
        return new Result(null, e.getMessage(), null);
      } catch (RuntimeException | StackOverflowError e) {
        return new Result(null, null, e);
      }
    }

    /** Both refuse the input with the same exception of the engine (e.g. request entities with a cycle). */
    boolean sameRefusalAs(Result other) {
      return crash != null && other.crash != null && crash.getClass().equals(other.crash.getClass())
          && crash.getClass().getName().startsWith("dev.writ.");
    }

    String show() {
      if (decision != null) {
        return FixtureWriter.yaml(FixtureWriter.decision(decision));
      }
      if (refusal != null) {
        return "bad request: " + refusal + "\n";
      }
      java.io.StringWriter w = new java.io.StringWriter();
      crash.printStackTrace(new java.io.PrintWriter(w));
      return "crashed: " + w + "\n";
    }
  }

  private static final class Stats {
    final OutcomeMix mix = new OutcomeMix();
    int scenarios;
    int decisions;
    int withErrors;
    int samePositions;
    int candidateChecks;
    int fromBundle;
    long candidatesProposed;
    long rulesInBundles;
    int onTagBundles;
    int tagErrors;
  }

  // ---------------------------------------------------------------------------------------

  @Test
  void planEvaluatorDecidesAsTheReference() {
    Stats stats = new Stats();
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    long process = processCpuNanos();
    theory(TRIES).forAll(Scenario.pooled(POOL)).checkAssert(s -> compare(s, stats));
    System.out.printf("differential (seed %d): %d scenarios (%d distinct bundles), %d decisions compared in %.1f s"
            + " (CPU: %.1f s this thread, %.1f s the whole JVM)%n  reference outcomes: %s%n"
            + "  decisions with errors: %d, of which the error positions agree too in %d%n"
            + "  candidate index: %d checks, %.1f candidates proposed per check of %.1f rules per bundle%n"
            + "  plan loaded from its .wbundle: %d decisions, all as compiled%n"
            + "  entity tags: %d decisions on bundles that call hasTag/getTag, %d of them with a missing-tag error%n",
        SEED, stats.scenarios, Math.min(POOL, stats.scenarios), stats.decisions, (System.nanoTime() - wall) / 1e9,
        (cpuNanos() - cpu) / 1e9, (processCpuNanos() - process) / 1e9, stats.mix, stats.withErrors, stats.samePositions, stats.candidateChecks,
        stats.candidatesProposed / (double) Math.max(1, stats.candidateChecks),
        stats.rulesInBundles / (double) Math.max(1, stats.candidateChecks), stats.fromBundle, stats.onTagBundles,
        stats.tagErrors);
  }

  private static void compare(Scenario s, Stats stats) {
    stats.scenarios++;
    CheckedBundle bundle = s.bundle().checked();
    Authorizer plan = plan(bundle);
    ReferenceEvaluator ref = new ReferenceEvaluator(bundle);
    boolean callsTags = s.bundle().files().stream().anyMatch(f -> f.text().contains(".hasTag(")
        || f.text().contains(".getTag("));
    for (RequestGen.Generated g : s.requests()) {
      AccessRequest request = g.request();
      Result expected = Result.of(ref, request, s, g.options());
      Result actual = Result.of(plan, request, s, g.options());
      stats.decisions++;
      if (expected.sameRefusalAs(actual)) {
        stats.mix.bad++;
        continue;
      }
      if (expected.crash != null || actual.crash != null) {
        fail("an evaluator crashed", s, g, expected, actual, List.of());
      }
      if ((expected.refusal == null) != (actual.refusal == null)) {
        fail("one evaluator refuses the request, the other decides it", s, g, expected, actual, List.of());
      }
      if (expected.refusal != null) {
        stats.mix.bad++;
        continue;
      }
      List<String> diffs = DecisionDiff.differences(expected.decision, actual.decision, ERRORS);
      if (!diffs.isEmpty()) {
        fail("the decisions differ", s, g, expected, actual, diffs);
      }
      if (stats.decisions % 4 == 0) {
        Result fromBundle = Result.of(loaded(bundle), request, s, g.options());
        List<String> bundleDiffs = fromBundle.decision == null ? List.of("no decision")
            : DecisionDiff.differences(actual.decision, fromBundle.decision, DecisionDiff.Errors.POLICIES_AND_POSITIONS);
        if (!bundleDiffs.isEmpty()) {
          Map<String, String> shown = new LinkedHashMap<>();
          shown.put("differences (compiled <> loaded)", String.join("\n", bundleDiffs) + "\n");
          shown.put("plan compiled from the policies", actual.show());
          shown.put("plan loaded from its .wbundle", fromBundle.show());
          throw failure("the plan loaded from its bundle decides differently", s, g, shown);
        }
        stats.fromBundle++;
      }
      stats.mix.add(expected.decision);
      if (callsTags) {
        stats.onTagBundles++;
        if (expected.decision.errors().stream().anyMatch(e -> e.message().contains("has no tag"))) {
          stats.tagErrors++;
        }
      }
      if (!expected.decision.errors().isEmpty()) {
        stats.withErrors++;
        if (DecisionDiff.samePositions(expected.decision, actual.decision)) {
          stats.samePositions++;
        }
      }
      checkCandidates(s, g, ref, plan, stats);
    }
  }

  /**
   * The index may propose too much, never too little: every rule that applies or errors for the
   * acting principal is a candidate (and, for forbids, for each chain member taken as principal).
   */
  private static void checkCandidates(Scenario s, RequestGen.Generated g, ReferenceEvaluator ref, Authorizer plan,
                                      Stats stats) {
    AccessRequest request = g.request();
    for (String action : new LinkedHashSet<>(request.actions())) {
      for (int position = request.delegation().size(); position >= 0; position--) {
        checkCandidates(s, g, ref, plan, stats, action, position);
      }
    }
  }

  private static void checkCandidates(Scenario s, RequestGen.Generated g, ReferenceEvaluator ref, Authorizer plan,
                                      Stats stats, String action, int position) {
    AccessRequest request = g.request();
    {
      Optional<Set<String>> needed = ref.applicableOrErroring(request, s.store(), action, g.options(), position);
      if (needed.isEmpty()) {
        return;
      }
      EntityUid principal = position == request.delegation().size() ? request.principal()
          : request.delegation().get(position);
      List<String> proposed = new IndexProbe(plan.plan()).candidates(request, s.store(), action, principal);
      Set<String> missing = new TreeSet<>(needed.get());
      missing.removeAll(proposed);
      stats.candidateChecks++;
      stats.candidatesProposed += proposed.size();
      stats.rulesInBundles += s.bundle().checked().rules().size();
      if (!missing.isEmpty()) {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("reference: applicable or erroring for `" + action + "`", needed.get() + "\n");
        shown.put("plan: candidates(" + action + ", " + principal + ")", proposed + "\n");
        throw failure("the index leaves out " + missing, s, g, shown);
      }
    }
  }

  // ---------------------------------------------------------------------------------------

  @Test
  void decisionsDoNotDependOnTheOrderOfRulesAndFiles() {
    int[] laidOut = new int[2];
    long wall = System.nanoTime();
    long process = processCpuNanos();
    theory(REORDER_TRIES).forAll(Scenario.pooled(Math.min(POOL, REORDER_TRIES)),
        Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE)).checkAssert((s, seed) -> {
          List<SourceFile> other = s.bundle().reordered(seed);
          CheckedBundle reordered = Fixtures.bundle(other);
          if (!ruleOrder(reordered).equals(ruleOrder(s.bundle().checked()))) {
            laidOut[0]++;
          }
          laidOut[1]++;
          Decider[][] pairs = {
              {plan(s.bundle().checked()), new Authorizer(PlanCompiler.compile(reordered))},
              {new ReferenceEvaluator(s.bundle().checked()), new ReferenceEvaluator(reordered)}};
          for (Decider[] pair : pairs) {
            for (RequestGen.Generated g : s.requests()) {
              Result a = Result.of(pair[0], g.request(), s, g.options());
              Result b = Result.of(pair[1], g.request(), s, g.options());
              boolean same = a.sameRefusalAs(b) || a.crash == null && b.crash == null && (a.refusal != null
                  ? b.refusal != null
                  : b.decision != null && DecisionDiff.differences(a.decision, b.decision,
                      DecisionDiff.Errors.POLICIES).isEmpty());
              if (!same) {
                Map<String, String> shown = new LinkedHashMap<>();
                shown.put(pair[0].getClass().getSimpleName() + " on the bundle as generated", a.show());
                StringBuilder files = new StringBuilder();
                other.forEach(f -> files.append("# ---- ").append(f.path()).append('\n').append(f.text()));
                shown.put("the same bundle laid out differently", files.toString());
                shown.put(pair[1].getClass().getSimpleName() + " on the reordered bundle", b.show());
                throw failure("reordering the bundle changes the decision", s, g, shown);
              }
            }
          }
        });
    System.out.printf("reorder: %d bundles laid out again, %d of them with the rules in another order, in %.1f s"
        + " (CPU: %.1f s the whole JVM)%n", laidOut[1], laidOut[0], (System.nanoTime() - wall) / 1e9,
        (processCpuNanos() - process) / 1e9);
  }

  private static List<String> ruleOrder(CheckedBundle b) {
    List<String> out = new ArrayList<>();
    b.rules().forEach(r -> out.add(r.fullName()));
    return out;
  }

  // ---------------------------------------------------------------------------------------

  private static void fail(String what, Scenario s, RequestGen.Generated g, Result expected, Result actual,
                           List<String> diffs) {
    CaseReducer.Case reduced = CaseReducer.reduce(
        new CaseReducer.Case(s.bundle().files(), s.entities(), g.request(), g.options()), DifferentialProperties::check);
    CheckedBundle small = CaseReducer.bundle(reduced);
    Scenario smaller = new Scenario(new dev.writ.engine.testing.BundleCase(s.bundle().seed(), s.bundle().size(),
        s.bundle().strict(), s.bundle().generated(), reduced.files(), small), s.dataSeed(), reduced.entities(),
        CaseReducer.store(reduced), List.of(new RequestGen.Generated(reduced.request(), reduced.options())));
    RequestGen.Generated g2 = smaller.requests().get(0);
    Result e2 = Result.of(new ReferenceEvaluator(small), g2.request(), smaller, g2.options());
    Result a2 = Result.of(new Authorizer(PlanCompiler.compile(small)), g2.request(), smaller, g2.options());
    if (e2.decision != null && a2.decision != null) {
      diffs = DecisionDiff.differences(e2.decision, a2.decision, ERRORS);
    }
    failAsIs(what + " (reduced from the generated case)", smaller, g2, e2, a2, diffs);
  }

  /** The failure of a case, or empty when both evaluators agree on it (for the reducer). */
  private static Optional<String> check(CaseReducer.Case c) {
    CheckedBundle bundle = CaseReducer.bundle(c);
    Scenario s = new Scenario(null, 0, c.entities(), CaseReducer.store(c), List.of());
    Result e = Result.of(new ReferenceEvaluator(bundle), c.request(), s, c.options());
    Result a = Result.of(new Authorizer(PlanCompiler.compile(bundle)), c.request(), s, c.options());
    if (e.sameRefusalAs(a)) {
      return Optional.empty();
    }
    if (e.crash != null || a.crash != null) {
      return Optional.of("crash: " + (e.crash != null ? e.crash : a.crash));
    }
    if ((e.refusal == null) != (a.refusal == null)) {
      return Optional.of("refusal: " + e.refusal + " <> " + a.refusal);
    }
    if (e.refusal != null) {
      return Optional.empty();
    }
    List<String> diffs = DecisionDiff.differences(e.decision, a.decision, ERRORS);
    return diffs.isEmpty() ? Optional.empty() : Optional.of(diffs.get(0));
  }

  private static void failAsIs(String what, Scenario s, RequestGen.Generated g, Result expected, Result actual,
                               List<String> diffs) {
    Map<String, String> shown = new LinkedHashMap<>();
    if (!diffs.isEmpty()) {
      shown.put("differences (reference <> plan)", String.join("\n", diffs) + "\n");
    }
    shown.put("reference evaluator", expected.show());
    shown.put("plan evaluator", actual.show());
    throw failure(what, s, g, shown);
  }

  private static AssertionError failure(String what, Scenario s, RequestGen.Generated g, Map<String, String> shown) {
    String replay = FixtureWriter.replay(what + " (" + s.title() + ")", s.bundle().files(), s.entities(),
        g.request(), g.options(), shown);
    try {
      Path dir = Path.of("target", "differential-failures");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("latest.txt"), replay);
    } catch (IOException e) {
      replay += "# (could not write the case to target/: " + e + ")\n";
    }
    return new AssertionError(what + " (replay with -Dwrit.differential.seed=" + SEED + ")\n" + replay);
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }

  private static long cpuNanos() {
    var bean = ManagementFactory.getThreadMXBean();
    return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : 0;
  }
}
