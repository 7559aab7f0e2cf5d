package dev.writ.engine.reference;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.testing.BundleCase;
import dev.writ.engine.testing.FixtureWriter;
import dev.writ.engine.testing.RequestGen;
import dev.writ.engine.testing.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A survey rather than a test: decides many generated requests with both evaluators without
 * stopping at the first difference, and prints how many differ in which field, with one
 * example of each written to {@code target/differential-survey/}. Not run by default (its
 * name matches no surefire pattern); run it with
 * {@code mvn test -pl language,engine -Dtest=DifferentialSurvey -Dsurvey.n=20000
 * -Dsurefire.failIfNoSpecifiedTests=false}, adding {@code -Dwrit.gen.knownDifferences=true}
 * to include the known differences.
 */
class DifferentialSurvey {
  @Test
  void survey() throws Exception {
    int n = Integer.getInteger("survey.n", 5000);
    long base = Long.getLong("survey.seed", System.nanoTime());
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, String> examples = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      BundleCase b = BundleCase.of(base + 1_000_003L * i, 1 + i % 10, i % 4 != 3);
      Scenario s = Scenario.of(b, base ^ (31L * i));
      ReferenceEvaluator ref = new ReferenceEvaluator(b.checked());
      Authorizer plan = new Authorizer(PlanCompiler.compile(b.checked()));
      for (RequestGen.Generated g : s.requests()) {
        Object x = decide(() -> ref.decide(g.request(), s.store(), g.options()));
        Object y = decide(() -> plan.decide(g.request(), s.store(), g.options()));
        String kind = null;
        if (x instanceof Decision dx && y instanceof Decision dy) {
          List<String> d = DecisionDiff.differences(dx, dy, DecisionDiff.Errors.POLICIES_AND_POSITIONS);
          kind = d.isEmpty() ? null : d.get(0).substring(0, d.get(0).indexOf(':'));
        } else if (!String.valueOf(x).equals(String.valueOf(y)) || x instanceof Throwable) {
          kind = "outcome";
        }
        if (kind != null) {
          counts.merge(kind, 1, Integer::sum);
          examples.computeIfAbsent(kind, k -> FixtureWriter.replay(k + " (" + s.title() + ")", b.files(),
              s.entities(), g.request(), g.options(), Map.of("reference", show(x), "plan", show(y))));
        }
      }
    }
    System.out.printf("survey: %d scenarios (seed %d), %d requests; differences by field: %s%n", n, base, 4L * n,
        counts.isEmpty() ? "none" : counts);
    Path dir = Path.of("target", "differential-survey");
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : examples.entrySet()) {
      Files.writeString(dir.resolve(e.getKey() + ".txt"), e.getValue());
    }
  }

  private static Object decide(java.util.function.Supplier<Decision> d) {
    try {
      return d.get();
    } catch (BadRequestException e) {
      return "bad request";
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static String show(Object o) {
    return o instanceof Decision d ? FixtureWriter.yaml(FixtureWriter.decision(d)) : o + "\n";
  }
}
