package dev.writ.engine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCompilerTest {
  private static final String FOLDABLE = """
      grant g { when lower("ABC") == "abc" ttl 1h }
      """;

  @Test
  void stagesRunInTheDocumentedOrder() {
    List<String> ran = new ArrayList<>();
    PlanCompiler.standard().run(TestPolicies.check(FOLDABLE), ran::add);
    assertEquals(List.of("lower", "fold-constants"), ran);
    assertEquals(ran, PlanCompiler.standard().stageIds());
  }

  @Test
  void aStageLeftOutDoesNotRun() {
    List<String> ran = new ArrayList<>();
    PlanData unfolded = PlanCompiler.standard().without("fold-constants").run(TestPolicies.check(FOLDABLE), ran::add);
    assertEquals(List.of("lower"), ran);
    assertEquals(PlanExpr.Op.EQ, unfolded.rules().get(0).conditions().get(0).expr().op());
    assertEquals(PlanExpr.Op.BOOL, PlanCompiler.lower(TestPolicies.check(FOLDABLE)).rules().get(0).conditions()
        .get(0).expr().op());
    assertEquals(unfolded, PlanCompiler.standard().upTo("lower").run(TestPolicies.check(FOLDABLE)));
  }

  @Test
  void stagesAreNamedByTheirIds() {
    assertThrows(IllegalArgumentException.class, () -> PlanCompiler.standard().without("lower"));
    assertThrows(IllegalArgumentException.class, () -> PlanCompiler.standard().upTo("fold"));
    assertEquals(PlanCompiler.standard().stageIds(), PlanCompiler.standard().upTo("fold-constants").stageIds());
  }

  @Test
  void groupsAreExpandedTransitivelyAndWildcardsKept() {
    PlanData data = PlanCompiler.lower(TestPolicies.check("""
        action group "read" = ["a:get", "inner"]
        action group "inner" = ["a:list"]
        grant g { action "read", "b:*" ttl 1h }
        """));
    assertEquals(List.of("a:get", "a:list", "b:*"), data.rules().get(0).actions());
  }

  @Test
  void literalOnlyExpressionsAreFoldedOnce() {
    PlanData data = PlanCompiler.lower(TestPolicies.check("""
        grant g { when request.duration <= duration("1h") + 30m when lower("ABC") == "abc" ttl 1h }
        """));
    PlanRule r = data.rules().get(0);
    PlanExpr first = r.conditions().get(0).expr();
    assertEquals(PlanExpr.Op.LE, first.op());
    assertEquals(PlanExpr.Op.DUR, first.arg(1).op());
    assertEquals(5400, first.arg(1).num());
    assertEquals(PlanExpr.Op.BOOL, r.conditions().get(1).expr().op());
  }

  @Test
  void foldingLeavesRunTimeErrorsInPlace() {
    PlanData data = PlanCompiler.lower(TestPolicies.check("""
        grant g { when 9223372036854775807 + 1 > 0 ttl 1h }
        """));
    // Overflow must happen (and be reported) at evaluation, exactly as the reference evaluator has it.
    assertEquals(PlanExpr.Op.GT, data.rules().get(0).conditions().get(0).expr().op());
    assertEquals(PlanExpr.Op.ADD, data.rules().get(0).conditions().get(0).expr().arg(0).op());
  }

  @Test
  void leadingLiteralsDecideBooleanChains() {
    PlanData data = PlanCompiler.lower(TestPolicies.check("""
        grant g { when false && context.x == 1 when true || context.y when true && context.z ttl 1h }
        """));
    List<PlanRule.Condition> c = data.rules().get(0).conditions();
    assertEquals(0, c.get(0).expr().num());
    assertEquals(PlanExpr.Op.BOOL, c.get(0).expr().op());
    assertEquals(1, c.get(1).expr().num());
    assertEquals(PlanExpr.Op.AND, c.get(2).expr().op());
    assertEquals(1, c.get(2).expr().args().size());
  }

  @Test
  void absentClausesMeanAny() {
    PlanRule r = PlanCompiler.lower(TestPolicies.check("forbid f { }")).rules().get(0);
    assertNull(r.principal());
    assertNull(r.actions());
    assertNull(r.resource());
    assertNull(r.intents());
  }
}
