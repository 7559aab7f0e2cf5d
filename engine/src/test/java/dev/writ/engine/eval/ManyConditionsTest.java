package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A rule's `unless` marks are a bit mask for its first 64 conditions and an array after: the
 * first failing condition is found on both sides of that boundary, for `when` and `unless`.
 */
class ManyConditionsTest {
  private static final int CONDITIONS = 70;

  /** Conditions {@code when context.c<i> == true}, or {@code unless ... == false} for odd i. */
  private static String policy() {
    StringBuilder p = new StringBuilder("""
        human User { }
        resource Doc { }
        action "read" on Doc
        grant many {
          principal User
          action "read"
          resource Doc
        """);
    for (int i = 0; i < CONDITIONS; i++) {
      p.append(i % 2 == 0 ? "  when context.c" + i + " == true\n" : "  unless context.c" + i + " == false\n");
    }
    return p.append("}\n").toString();
  }

  @Test
  void theFirstFailingConditionIsFoundOnEitherSideOfTheMask() {
    EvaluationPlan plan = TestPolicies.plan(policy());
    EntityStore store = TestPolicies.entities(plan, "- { uid: User::u }\n- { uid: Doc::d }\n");
    CompiledRule rule = plan.rule("many");
    for (int failing : new int[] {-1, 0, 1, 2, 63, 64, 65, 69}) {
      Map<String, Value> context = new java.util.LinkedHashMap<>();
      for (int i = 0; i < CONDITIONS; i++) {
        context.put("c" + i, Value.Bool.of(i != failing));
      }
      AccessRequest request = new AccessRequest(EntityUid.parse("User::u"), List.of("read"), EntityUid.parse("Doc::d"),
          Optional.empty(), Optional.empty(), List.of(), List.of(), new Value.RecordV(context),
          Optional.of(Instant.parse("2026-06-15T10:00:00Z")), List.of());
      RequestValidator.Valid valid = new RequestValidator(plan).validate(request, store);
      EvalState s = EvalScope.of(valid, plan, request, null, Map.of(), Instant.parse("2026-06-15T10:00:00Z"))
          .forAction("read").acting();
      try {
        assertEquals(failing, rule.firstFailing(s), "condition " + failing + " made false");
      } catch (EvalError e) {
        throw new AssertionError(e);
      }
      for (int i = 0; i < CONDITIONS; i++) {
        assertEquals(i % 2 == 1, rule.unless(i), "condition " + i);
      }
    }
  }
}
