package dev.writ.engine.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.testing.Fixtures;
import dev.writ.engine.testing.PolicyGen;
import dev.writ.engine.testing.Rand;
import dev.writ.engine.testing.RequestGen;
import dev.writ.engine.testing.Scenario;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Properties of the impact report on generated bundles, entities and requests (the generators
 * of the differential properties): a bundle against itself changes nothing; adding a forbid
 * never widens; and what is reported is what deciding both bundles directly gives.
 *
 * <p>System properties: {@code writ.impact.tries} (default 300), {@code writ.impact.seed}.
 */
class ImpactProperties {
  static final int TRIES = Integer.getInteger("writ.impact.tries", 300);
  static final long SEED = Long.getLong("writ.impact.seed", System.nanoTime());

  /** A scenario and a seed for the rule added to its bundle. */
  record Case(Scenario scenario, long ruleSeed) {
    @Override
    public String toString() {
      return scenario.title() + " rule seed=" + ruleSeed;
    }
  }

  static Gen<Case> cases() {
    return Scenario.pooled(Math.max(1, TRIES / 4)).zip(Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE), Case::new);
  }

  static List<Replay> replays(Scenario s) {
    List<Replay> out = new ArrayList<>();
    int i = 0;
    for (RequestGen.Generated g : s.requests()) {
      out.add(new Replay("request " + i++, g.request(), g.options(), false, null, s.store(), s.store()));
    }
    return out;
  }

  /** The scenario's bundle with one more rule, in a file of its own. */
  static CheckedBundle withRule(Case c, boolean grant) {
    List<SourceFile> files = new ArrayList<>(c.scenario().bundle().files());
    String rule = PolicyGen.extraRule(new Rand(c.ruleSeed()), c.scenario().bundle().model(), "zz_added", grant);
    files.add(new SourceFile("zz_added.policy", rule + "\n"));
    return Fixtures.bundle(files);
  }

  static ImpactReport report(CheckedBundle before, CheckedBundle after, Scenario s) {
    return new ImpactAnalyzer(new Authorizer(PlanCompiler.compile(before)), new Authorizer(PlanCompiler.compile(after)))
        .analyze(replays(s), List.of(), Map.of());
  }

  @Test
  void aBundleAgainstItselfChangesNothing() {
    System.out.println("impact properties, seed " + SEED);
    qt().withExamples(TRIES).withFixedSeed(SEED).forAll(Scenario.pooled(Math.max(1, TRIES / 4))).checkAssert(s -> {
      CheckedBundle b = s.bundle().checked();
      ImpactReport r = report(b, b, s);
      assertTrue(r.changes().isEmpty(), () -> ImpactText.render(r));
      assertEquals(s.requests().size(), r.replayed() + r.undecided().size());
    });
  }

  @Test
  void addingAForbidNeverWidens() {
    qt().withExamples(TRIES).withFixedSeed(SEED).forAll(cases()).checkAssert(c -> {
      ImpactReport r = report(c.scenario().bundle().checked(), withRule(c, false), c.scenario());
      assertFalse(r.widens(), () -> c + "\n" + ImpactText.render(r));
      assertEquals(0, r.byDirection().get(Direction.WIDENED));
    });
  }

  @Test
  void addingAGrantNeverNarrowsAndRemovingItNeverWidens() {
    qt().withExamples(TRIES).withFixedSeed(SEED).forAll(cases()).checkAssert(c -> {
      CheckedBundle base = c.scenario().bundle().checked();
      CheckedBundle more = withRule(c, true);
      ImpactReport added = report(base, more, c.scenario());
      ImpactReport removed = report(more, base, c.scenario());
      // A grant can lengthen a ttl or drop approvals; it never takes a permit away.
      for (RequestChange ch : added.changes()) {
        assertTrue(ch.differences().stream().noneMatch(d -> d.aspect() == Difference.Aspect.DECISION
            && d.direction() == Direction.NARROWED), () -> c + "\n" + ImpactText.render(added));
      }
      assertEquals(added.changes().size(), removed.changes().size(), () -> c + "\n" + ImpactText.render(added)
          + "\n" + ImpactText.render(removed));
    });
  }

  /** The report against the decisions made directly, and the differences recomputed from them by the definition. */
  @Test
  void theReportedChangeIsWhatDecidingBothGives() {
    qt().withExamples(TRIES).withFixedSeed(SEED).forAll(cases(), Generate.booleans()).checkAssert((c, grant) -> {
      CheckedBundle before = c.scenario().bundle().checked();
      CheckedBundle after = withRule(c, grant);
      Authorizer old = new Authorizer(PlanCompiler.compile(before));
      Authorizer now = new Authorizer(PlanCompiler.compile(after));
      ImpactAnalyzer analyzer = new ImpactAnalyzer(old, now);
      for (Replay r : replays(c.scenario())) {
        Optional<Decision> x = direct(old, r);
        Optional<Decision> y = direct(now, r);
        ImpactAnalyzer.Compared got = analyzer.compare(r);
        if (x.isEmpty() && y.isEmpty()) {
          assertTrue(got.undecided() != null && got.change().isEmpty(), c::toString);
          continue;
        }
        if (x.isEmpty() || y.isEmpty()) {
          assertTrue(got.change().isPresent(), c::toString); // one side cannot decide: a deny with a reason
          continue;
        }
        assertEquals(x.get(), got.before(), c::toString);
        assertEquals(y.get(), got.after(), c::toString);
        boolean differs = differs(x.get(), y.get(), r.request().actions().size() > 1);
        assertEquals(differs, got.change().isPresent(), () -> c + "\n" + x.get() + "\n" + y.get());
        if (got.change().isPresent()) {
          RequestChange ch = got.change().get();
          assertEquals(widens(x.get(), y.get(), r.request().actions().size() > 1), ch.widens(), () -> c + "\n" + ch);
          assertEquals(x.get().decision() != y.get().decision(),
              ch.differences().get(0).aspect() == Difference.Aspect.DECISION, () -> c + "\n" + ch);
        }
      }
    });
  }

  private static Optional<Decision> direct(Authorizer a, Replay r) {
    try {
      return Optional.of(a.decide(r.request(), r.oldEntities(), r.options()));
    } catch (BadRequestException e) {
      return Optional.empty();
    }
  }

  private static long life(Decision d) {
    return d.standing() ? Long.MAX_VALUE : d.ttlSeconds().orElse(Long.MAX_VALUE);
  }

  private static List<String> approvals(Decision d) {
    return d.pending().stream().map((PendingApproval p) -> p.required() + " " + p.from()).sorted().toList();
  }

  private static List<String> obligations(Decision d) {
    return d.obligations().stream().map((Obligation o) -> o.name() + "=" + o.value()).sorted().toList();
  }

  static boolean differs(Decision x, Decision y, boolean severalActions) {
    boolean bothPermit = x.permitted() && y.permitted();
    boolean reachable = x.decision() != Outcome.DENY && y.decision() != Outcome.DENY;
    return x.decision() != y.decision()
        || (severalActions && !x.actions().equals(y.actions()))
        || (bothPermit && life(x) != life(y))
        || (reachable && !approvals(x).equals(approvals(y)))
        || (bothPermit && !obligations(x).equals(obligations(y)));
  }

  static boolean widens(Decision x, Decision y, boolean severalActions) {
    if (x.decision().compareTo(y.decision()) > 0) { // enum order: PERMIT, PENDING, DENY
      return true;
    }
    for (Map.Entry<String, Outcome> e : y.actions().entrySet()) {
      Outcome before = x.actions().getOrDefault(e.getKey(), Outcome.DENY);
      if (severalActions && before.compareTo(e.getValue()) > 0) {
        return true;
      }
    }
    if (x.permitted() && y.permitted() && life(y) > life(x)) {
      return true;
    }
    if (x.decision() == Outcome.DENY || y.decision() == Outcome.DENY) {
      return false;
    }
    List<String> dropped = new ArrayList<>(approvals(x));
    approvals(y).forEach(dropped::remove);
    return !dropped.isEmpty();
  }
}
