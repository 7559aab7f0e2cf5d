package dev.writ.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.reference.ReferenceEvaluator;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generators themselves: every generated bundle passes the checker (Scenario.of asserts
 * it), entity data and requests survive their fixture form, and the reference evaluator sees a
 * useful mix of outcomes.
 */
class GeneratorsTest {

  @Test
  void generatedBundlesPassTheCheckerAndGiveEveryOutcomeOften() {
    int n = Integer.getInteger("writ.generators.tries", 500);
    OutcomeMix mix = new OutcomeMix();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Scenario s = Scenario.of(1000L + i, 1 + i % 10, i % 4 != 0);
      ReferenceEvaluator ref = new ReferenceEvaluator(s.bundle().checked());
      for (RequestGen.Generated g : s.requests()) {
        try {
          mix.add(ref.decide(g.request(), s.store(), g.options()));
        } catch (BadRequestException e) {
          mix.bad++;
        }
      }
    }
    System.out.printf("generators: %d scenarios in %d ms; reference outcomes %s%n", n,
        (System.nanoTime() - t0) / 1_000_000, mix);
    int total = mix.total();
    assertTrue(mix.count(Outcome.PERMIT) > total / 10, mix::toString);
    assertTrue(mix.count(Outcome.PENDING) > total / 50, mix::toString);
    assertTrue(mix.count(Outcome.DENY) > total / 10, mix::toString);
    assertTrue(mix.withErrors > total / 20, mix::toString);
    assertTrue(mix.bad > 0 && mix.bad < total / 5, mix::toString);
  }

  @Test
  void generatedDataSurvivesItsFixtureForm() {
    for (int i = 0; i < 100; i++) {
      Scenario s = Scenario.of(5000L + i, 1 + i % 10, i % 4 != 0);
      String yaml = FixtureWriter.yaml(FixtureWriter.entities(s.entities()));
      List<Entity> back = new EntityReader(s.bundle().checked().schema())
          .readList(DataNode.root(DataDocument.parse("entities.yaml", yaml, true)));
      assertEquals(s.entities().size(), back.size());
      for (int k = 0; k < back.size(); k++) {
        Entity a = s.entities().get(k);
        Entity b = back.get(k);
        assertEquals(a.uid(), b.uid(), yaml);
        assertEquals(a.kind(), b.kind(), yaml);
        assertEquals(a.parents(), b.parents(), yaml);
        assertEquals(a.attributes(), b.attributes(), yaml);
      }
      for (RequestGen.Generated g : s.requests()) {
        String req = FixtureWriter.yaml(FixtureWriter.request(g.request()));
        AccessRequest r = new RequestReader(s.bundle().checked().schema())
            .request(DataNode.root(DataDocument.parse("request.yaml", req, true)));
        assertEquals(g.request().principal(), r.principal(), req);
        assertEquals(g.request().actions(), r.actions(), req);
        assertEquals(g.request().intent(), r.intent(), req);
        assertEquals(g.request().delegation(), r.delegation(), req);
        assertEquals(g.request().context(), r.context(), req);
        assertEquals(g.request().durationSeconds(), r.durationSeconds(), req);
      }
    }
  }
}
