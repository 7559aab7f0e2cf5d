package dev.writ.engine.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.maps;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-call attributes merge over stored ones ({@link Entity#withAttributes}, {@link EntityReader#merged}). */
class EntityMergeTest {
  private static final EvaluationPlan PLAN = TestPolicies.plan("""
      human Employee in [Team] { department: String, level: Int, tags: Set<String> }
      group Team
      resource Doc { owner: String }
      action "read" on Doc
      grant g { principal Employee action "read" resource Doc }
      """);
  private static final EntityStore STORE = TestPolicies.entities(PLAN, """
      - { uid: Employee::alice, attrs: { department: sre, level: 3, tags: [a] }, parents: [Team::sre] }
      """);
  private static final EntityUid ALICE = new EntityUid("Employee", "alice");

  private static DataNode json(String text) {
    return DataNode.root(DataDocument.parse("body", text, false));
  }

  @Test
  void propertiesOverlayStoredAttributesKeepingTheRest() {
    DataNode body = json("{\"properties\": {\"department\": \"sales\"}}");
    Entity e = new EntityReader(PLAN.schema()).merged(STORE, ALICE, body, body.field("properties"));
    assertEquals(new Value.Str("sales"), e.attributes().get("department"));
    assertEquals(STORE.get(ALICE).attributes().get("level"), e.attributes().get("level"));
    assertEquals(STORE.get(ALICE).attributes().get("tags"), e.attributes().get("tags"));
    assertEquals(Set.of(new EntityUid("Team", "sre")), e.parents());
    assertEquals(STORE.get(ALICE).kind(), e.kind());
  }

  @Test
  void anUnknownEntityIsMadeFromItsPropertiesAlone() {
    DataNode body = json("{\"properties\": {\"level\": 7}}");
    EntityUid bob = new EntityUid("Employee", "bob");
    Entity e = new EntityReader(PLAN.schema()).merged(STORE, bob, body, body.field("properties"));
    assertEquals(Map.of("level", new Value.Int(7)), e.attributes());
    assertTrue(e.parents().isEmpty());
    assertEquals(PLAN.schema().entityTypes().get("Employee").kind(), e.kind());
  }

  @Test
  void propertiesAreTypedByTheSchema() {
    DataNode body = json("{\"properties\": {\"level\": \"high\"}}");
    DataException e = assertThrows(DataException.class, () ->
        new EntityReader(PLAN.schema()).merged(STORE, ALICE, body, body.field("properties")));
    assertTrue(e.getMessage().contains("properties.level"), e.getMessage());
    DataNode undeclared = json("{\"properties\": {\"levle\": 1}}");
    DataException u = assertThrows(DataException.class, () ->
        new EntityReader(PLAN.schema()).merged(STORE, ALICE, undeclared, undeclared.field("properties")));
    assertTrue(u.getMessage().startsWith("properties.levle: ") && u.getMessage().contains("attribute `levle` is not declared"), u.getMessage());
    DataException type = assertThrows(DataException.class, () ->
        new EntityReader(PLAN.schema()).merged(STORE, new EntityUid("Emploee", "x"), undeclared, DataNode.root(
            DataDocument.parse("body", "{}", false))));
    assertTrue(type.getMessage().contains("unknown entity type `Emploee`"), type.getMessage());
  }

  @Test
  void noPropertiesIsTheStoredEntityItself() {
    Entity stored = STORE.get(ALICE);
    assertSame(stored, stored.withAttributes(Map.of()));
  }

  /** Merging: every overlay attribute wins, every other stored attribute stays, nothing else appears. */
  @Test
  void mergeKeepsWhatTheOverlayDoesNotName() {
    qt().forAll(maps().of(strings().basicLatinAlphabet().ofLengthBetween(1, 3), integers().between(0, 9))
            .ofSizeBetween(0, 5),
        maps().of(strings().basicLatinAlphabet().ofLengthBetween(1, 3), integers().between(0, 9)).ofSizeBetween(0, 5))
        .checkAssert((stored, overlay) -> {
          Entity base = new Entity(ALICE, null, longs(stored), Set.of(new EntityUid("Team", "t")));
          Entity merged = base.withAttributes(longs(overlay));
          Map<String, Value> expected = new LinkedHashMap<>(longs(stored));
          expected.putAll(longs(overlay));
          assertEquals(expected, merged.attributes());
          assertEquals(base.parents(), merged.parents());
        });
  }

  private static Map<String, Value> longs(Map<String, Integer> m) {
    Map<String, Value> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, new Value.Int(v)));
    return out;
  }
}
