package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanIntent;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The version 2 plan section (JSON) on its own: every record survives JSON exactly. */
class PlanCodecTest {

  static PlanData roundTrip(PlanData plan) {
    PlanCodec.Encoded e = PlanCodec.encodePlan(plan);
    try {
      return PlanCodec.decodePlan(e.gzip(), 0, e.gzip().length, Long.MAX_VALUE, PlanCodec.sha256());
    } catch (IOException x) {
      throw new AssertionError(x);
    }
  }

  @Test
  void generatedPlansRoundTripExactly() {
    for (long seed = 1; seed <= 20; seed++) {
      PlanData plan = PlanCompiler.lower(GeneratedPolicies.checkSources(GeneratedPolicies.files(seed, 80))
          .bundle().orElseThrow());
      assertEquals(plan, roundTrip(plan), "seed " + seed);
    }
  }

  /** Every field and every null a plan can have, written by hand so none is missed. */
  static PlanData everything() {
    Map<String, Schema.AttributeDef> attrs = new LinkedHashMap<>();
    attrs.put("zeta", new Schema.AttributeDef(Type.STRING, false)); // declaration order, not sorted
    attrs.put("alpha", new Schema.AttributeDef(Type.setOf(Type.setOf(Type.INT)), true));
    attrs.put("boss", new Schema.AttributeDef(Type.entity(List.of("Employee", "Contractor")), true));
    attrs.put("any", new Schema.AttributeDef(Type.ANY_ENTITY, false));
    attrs.put("dyn", new Schema.AttributeDef(Type.DYNAMIC, false));
    attrs.put("when", new Schema.AttributeDef(Type.TIME, false));
    attrs.put("for", new Schema.AttributeDef(Type.DURATION, false));
    attrs.put("ok", new Schema.AttributeDef(Type.BOOL, false));
    TreeMap<String, Schema.EntityTypeDef> types = new TreeMap<>();
    types.put("Employee", new Schema.EntityTypeDef("Employee", EntityKind.HUMAN, new TreeSet<>(List.of("Team")), attrs));
    types.put("Team", new Schema.EntityTypeDef("Team", EntityKind.GROUP, new TreeSet<>(), Map.of()));
    TreeMap<String, Schema.ActionDef> actions = new TreeMap<>();
    actions.put("db:select", new Schema.ActionDef("db:select", new TreeSet<>(List.of("Database"))));
    actions.put("ping", new Schema.ActionDef("ping", new TreeSet<>()));
    TreeMap<String, java.util.SortedSet<String>> groups = new TreeMap<>();
    groups.put("db:read", new TreeSet<>(List.of("db:select")));
    Schema schema = new Schema(true, types, actions, groups);

    PlanExpr deep = new PlanExpr(PlanExpr.Op.AND, null, 0, List.of(
        new PlanExpr(PlanExpr.Op.EQ, null, 0, List.of(
            new PlanExpr(PlanExpr.Op.ATTR, "env", 0, List.of(new PlanExpr(PlanExpr.Op.VAR, "resource", 0, null, "a:1:1")),
                "a:1:10"),
            new PlanExpr(PlanExpr.Op.STR, "pr\"o\u00e9d\n", 0, null, "a:1:20")), "a:1:1"),
        new PlanExpr(PlanExpr.Op.INT, null, Long.MIN_VALUE, null, null),
        new PlanExpr(PlanExpr.Op.SET, null, 0, List.of(PlanExpr.bool(true, "x"),
            new PlanExpr(PlanExpr.Op.DUR, null, 7200, null, "y"),
            new PlanExpr(PlanExpr.Op.TIME, "2026-06-15T10:00:00Z", 0, null, "z")), "s"),
        new PlanExpr(PlanExpr.Op.METHOD, "contains", 0, List.of(new PlanExpr(PlanExpr.Op.VAR, "context", 0, null, "m"),
            new PlanExpr(PlanExpr.Op.ENTITY, "Team::\"a b\"", 0, null, "e")), "m"),
        new PlanExpr(PlanExpr.Op.CALL, "hour", Long.MAX_VALUE, List.of(), "c")), "a:1:1");
    PlanRule rule = new PlanRule(0, "acme.r", false,
        List.of(new PlanSelector(PlanSelector.Target.KIND, "agent", null, true),
            new PlanSelector(PlanSelector.Target.TYPE, "Employee", "Team::sre")),
        List.of("db:select", "db:*"), null, List.of("investigate"),
        List.of(new PlanRule.Condition(false, deep, "when ...", "a:1:1"),
            new PlanRule.Condition(true, PlanExpr.bool(false, "b:2:2"), "unless false", "b:2:2")),
        7200L, null, List.of(new PlanRule.Approval(2, "Team::owners", deep, "where ..."),
            new PlanRule.Approval(1, "Team::x", null, null)),
        new PlanRule.Delegation(false, List.of("agent", "machine"), 2),
        List.of(new PlanRule.ObligationDef("notify", "#c"), new PlanRule.ObligationDef("record", null)),
        new PlanRule.Meta("d", null, List.of("C-1"), null), "a:1:7");
    PlanRule bare = new PlanRule(1, "f", true, null, null, null, null, List.of(), null, "why", List.of(), null, List.of(),
        new PlanRule.Meta(null, null, List.of(), "no"), "b:1:8");
    PlanIntent intent = new PlanIntent("investigate", null,
        List.of(new PlanIntent.Param("ticket", false, "String", "^INC-[0-9]+$"),
            new PlanIntent.Param("tags", true, "Set<String>", null)),
        List.of(new PlanIntent.Allow(List.of("db:select"), List.of(new PlanSelector(PlanSelector.Target.ENTITY,
            "Database::orders", null)), deep, "text"), new PlanIntent.Allow(List.of("ping"), null, null, null)),
        null, true);
    return new PlanData(schema, List.of(intent), List.of(rule, bare));
  }

  @Test
  void everyFieldAndEveryNullRoundTrips() {
    PlanData plan = everything();
    PlanData back = roundTrip(plan);
    assertEquals(plan, back);
    // Attribute order is part of the plan: it numbers the attribute slots.
    assertEquals(List.copyOf(plan.schema().entityTypes().get("Employee").attributes().keySet()),
        List.copyOf(back.schema().entityTypes().get("Employee").attributes().keySet()));
    assertEquals(PlanCodec.digestString(PlanCodec.encodePlan(plan).jsonDigest()),
        PlanCodec.digestString(PlanCodec.encodePlan(back).jsonDigest()));
  }

  @Test
  void emptyPlanRoundTrips() {
    PlanData plan = new PlanData(Schema.EMPTY, List.of(), List.of());
    assertEquals(plan, roundTrip(plan));
  }

  private static PlanExpr chain(int depth) {
    PlanExpr e = new PlanExpr(PlanExpr.Op.VAR, "context", 0, null, "x");
    for (int i = 1; i < depth; i++) {
      e = new PlanExpr(PlanExpr.Op.NOT, null, 0, List.of(e), "x");
    }
    return e;
  }

  private static PlanData withCondition(PlanExpr e) {
    PlanRule r = new PlanRule(0, "deep", false, null, null, null, null,
        List.of(new PlanRule.Condition(false, e, "deep", "x")), null, null, List.of(), null, List.of(),
        new PlanRule.Meta(null, null, List.of(), null), "x");
    return new PlanData(Schema.EMPTY, List.of(), List.of(r));
  }

  @Test
  void expressionsAsDeepAsAllowedRoundTripAndDeeperOnesAreRefusedWhenWritten() {
    PlanData ok = withCondition(chain(PlanCodec.MAX_EXPR_DEPTH));
    assertEquals(ok, roundTrip(ok));
    dev.writ.engine.eval.EvaluationPlan.of(ok); // and the plan builder copes with that depth
    BundleException e = assertThrows(BundleException.class,
        () -> PlanCodec.encodePlan(withCondition(chain(PlanCodec.MAX_EXPR_DEPTH + 1))));
    assertTrue(e.getMessage().contains("nests deeper than"), e.getMessage());
  }

  /**
   * The plan JSON of a small bundle, pinned: the form version 2 bundles store, which readers still
   * load. If this fails, a plan record changed (a component added, renamed or reordered): the new
   * binary form needs a new format version (see {@code BinaryPlanCodecTest.binaryPlanIsPinned}),
   * and version 2 bundles can then only be read if the change leaves their JSON meaning intact;
   * say which in docs/bundle-format.md, then update the expected text.
   */
  @Test
  void planJsonIsPinned() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("schema.policy", "human Employee { level: Int }\nresource Doc\naction \"read\" on Doc\n");
    files.put("rules.policy", "grant r { principal Employee action \"read\" resource Doc when principal.level > 2 ttl 1h }\n");
    PlanData plan = PlanCompiler.lower(GeneratedPolicies.checkSources(files).bundle().orElseThrow());
    String json = new String(PlanCodec.json(plan), java.nio.charset.StandardCharsets.UTF_8);
    String expected = new String(PlanCodecTest.class.getResourceAsStream("pinned-plan-v2.json").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8).strip();
    assertEquals(expected, json);
  }
}
