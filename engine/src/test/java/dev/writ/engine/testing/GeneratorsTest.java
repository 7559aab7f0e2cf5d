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

  /**
   * Entity tags are exercised: bundles call {@code hasTag}/{@code getTag}, some decisions carry
   * the error of a missing tag, and some decisions change when the store's tags are taken away.
   */
  @Test
  void generatedPoliciesAndDataExerciseEntityTags() {
    int n = Integer.getInteger("writ.generators.tries", 500);
    int bundles = 0;
    int withTags = 0;
    int tagCalls = 0;
    int decisions = 0;
    int onTagBundles = 0;
    int missingTag = 0;
    int dependOnTags = 0;
    int taggedEntities = 0;
    int entities = 0;
    for (int i = 0; i < n; i++) {
      Scenario s = Scenario.of(1000L + i, 1 + i % 10, i % 4 != 0);
      bundles++;
      entities += s.entities().size();
      taggedEntities += (int) s.entities().stream().filter(e -> !e.tags().isEmpty()).count();
      int calls = 0;
      for (dev.writ.language.source.SourceFile f : s.bundle().files()) {
        calls += occurrences(f.text(), ".hasTag(") + occurrences(f.text(), ".getTag(");
      }
      ReferenceEvaluator ref = new ReferenceEvaluator(s.bundle().checked());
      dev.writ.engine.entity.EntityStore untagged = dev.writ.engine.entity.MapEntityStore.of(s.entities().stream()
          .map(e -> new Entity(e.uid(), e.kind(), e.attributes(), e.parents())).toList());
      for (RequestGen.Generated g : s.requests()) {
        decisions++;
        if (calls == 0) {
          continue;
        }
        onTagBundles++;
        try {
          Decision d = ref.decide(g.request(), s.store(), g.options());
          Decision without = ref.decide(g.request(), untagged, g.options());
          if (d.errors().stream().anyMatch(e -> e.message().contains("has no tag"))) {
            missingTag++;
          }
          if (d.decision() != without.decision() || !d.errors().equals(without.errors())
              || !d.policies().equals(without.policies())) {
            dependOnTags++;
          }
        } catch (BadRequestException e) {
          // counted by the outcome mix above
        }
      }
      if (calls > 0) {
        withTags++;
        tagCalls += calls;
      }
    }
    System.out.printf("tags: %d of %d bundles call hasTag/getTag (%d calls); %d of %d entities carry tags;"
            + " of %d decisions, %d on those bundles, %d with a missing-tag error, %d that change without the tags%n",
        withTags, bundles, tagCalls, taggedEntities, entities, decisions, onTagBundles, missingTag, dependOnTags);
    assertTrue(withTags > bundles / 5, "bundles with tag methods: " + withTags);
    assertTrue(taggedEntities > entities / 10, "tagged entities: " + taggedEntities);
    assertTrue(missingTag > onTagBundles / 100, "decisions with a missing tag: " + missingTag);
    assertTrue(dependOnTags > onTagBundles / 50, "decisions that depend on tags: " + dependOnTags);
  }

  private static int occurrences(String text, String what) {
    int count = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      count++;
    }
    return count;
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
        assertEquals(a.tags(), b.tags(), yaml);
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
        assertEquals(g.request().entities().stream().map(Entity::tags).toList(),
            r.entities().stream().map(Entity::tags).toList(), req);
      }
    }
  }
}
