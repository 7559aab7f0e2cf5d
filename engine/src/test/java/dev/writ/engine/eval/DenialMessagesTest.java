package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a denial and an explanation say, word for word: the texts users read to fix a policy or a request. */
class DenialMessagesTest {
  private static final String POLICY = """
      human Employee in [Team] { }
      agent Assistant { }
      resource Database { env: String }
      group Team

      action "db:select", "db:update" on Database

      grant oncall_read {
        principal Employee in Team::"sre", agent
        action "db:select"
        resource Database
        delegate agent depth 1
      }

      grant sre_update {
        principal Employee in Team::"sre"
        action "db:update"
        resource Database
      }

      forbid no_prod_updates {
        reason "Production is changed through the pipeline"
        action "db:update"
        resource Database when resource.env == "prod"
        unless context.break_glass == true
      }
      """;
  private static final String ENTITIES = """
      - { uid: Employee::alice, parents: [Team::sre] }
      - { uid: Assistant::copilot }
      - { uid: Assistant::sub-agent }
      - { uid: Database::orders, attrs: { env: prod } }
      """;
  private static final EntityUid ALICE = EntityUid.parse("Employee::alice");
  private static final EntityUid COPILOT = EntityUid.parse("Assistant::copilot");
  private static final EntityUid SUB = EntityUid.parse("Assistant::sub-agent");
  private static final EntityUid ORDERS = EntityUid.parse("Database::orders");

  private final EvaluationPlan plan = TestPolicies.plan(POLICY);
  private final EntityStore store = TestPolicies.entities(plan, ENTITIES);
  private final Authorizer authorizer = new Authorizer(plan);

  private Decision decide(EntityUid principal, String action, List<EntityUid> chain, Value.RecordV context) {
    AccessRequest r = new AccessRequest(principal, List.of(action), ORDERS, Optional.empty(), Optional.empty(), chain,
        List.of(), context, Optional.empty(), List.of());
    return authorizer.decide(r, store, DecideOptions.at(Instant.parse("2026-06-15T10:00:00Z")).explaining());
  }

  @Test
  void aDelegationDeeperThanTheRuleAllowsNamesTheRuleAndTheDepth() {
    Decision d = decide(SUB, "db:select", List.of(ALICE, COPILOT), Value.RecordV.EMPTY);
    assertEquals(List.of("no grant applies to `db:select` on `Database::orders`: `oncall_read` admits the sponsor "
        + "`Employee::alice` but not this delegation: delegation depth 2 exceeds the rule's `depth 1`"), d.reasons());
  }

  @Test
  void aDelegateOfAKindNoRuleAdmitsNamesTheSponsorsRule() {
    // `sre_update` serves Alice, but its principal clause admits no agent.
    Decision d = decide(COPILOT, "db:update", List.of(ALICE), Value.RecordV.EMPTY);
    assertEquals(List.of("`db:update` is forbidden by `no_prod_updates`: Production is changed through the pipeline"),
        d.reasons(), "the forbid comes first");
    Decision glass = decide(COPILOT, "db:update", List.of(ALICE), breakGlass());
    assertEquals(List.of("no grant applies to `db:update` on `Database::orders`: `sre_update` admits the sponsor "
        + "`Employee::alice` but its scope or conditions do not admit `Assistant::copilot`"), glass.reasons());
  }

  @Test
  void aDirectRequestThatNoRuleAdmitsSaysOnlyThat() {
    Decision update = decide(SUB, "db:update", List.of(), breakGlass());
    assertEquals(List.of("no grant applies to `db:update` on `Database::orders`"), update.reasons());
  }

  @Test
  void anUnlessThatHeldSaysItsExpressionHeld() {
    Decision d = decide(ALICE, "db:update", List.of(), breakGlass());
    RuleTrace forbid = d.explanation().orElseThrow().stream().filter(t -> t.policy().equals("no_prod_updates"))
        .findFirst().orElseThrow();
    assertEquals(RuleTrace.Result.NOT_APPLICABLE, forbid.result());
    assertEquals("`context.break_glass == true` holds, so `unless context.break_glass == true` rules this forbid out "
        + "(test0.policy:25:10)", forbid.detail());
  }

  private static Value.RecordV breakGlass() {
    return new Value.RecordV(Map.of("break_glass", Value.Bool.TRUE));
  }
}
