package dev.writ.engine.plan;

import java.util.List;

/**
 * A rule of the plan. Null scope lists mean "any" (the clause was absent).
 *
 * @param id          position in the bundle (files by path, rules in source order)
 * @param actions     concrete action names (groups expanded) and wildcard patterns ending in {@code *}
 * @param conditions  the resource's {@code when}, the {@code when}s and the {@code unless}es, in source order
 * @param ttlSeconds  null: no {@code ttl} (standing)
 * @param standing    the reason of a {@code standing "..."} clause (standing on purpose); null when absent
 * @param delegation  null: no {@code delegate} clause (direct requests only)
 */
public record PlanRule(int id, String name, boolean forbid, List<PlanSelector> principal, List<String> actions,
                       List<PlanSelector> resource, List<String> intents, List<Condition> conditions, Long ttlSeconds,
                       String standing, List<Approval> approvals, Delegation delegation, List<ObligationDef> obligations, Meta meta,
                       String at) {

  public record Condition(boolean unless, PlanExpr expr, String text, String at) {}

  public record Approval(long count, String from, PlanExpr where, String whereText) {}

  /**
   * @param anyKind a delegate of any kind may act ({@code delegate to any})
   * @param kinds   the keywords of the kinds a delegate may be, besides
   */
  public record Delegation(boolean anyKind, List<String> kinds, long depth) {
    public Delegation {
      kinds = List.copyOf(kinds);
    }
  }

  public record ObligationDef(String name, String value) {}

  public record Meta(String description, String owner, List<String> controls, String reason) {}
}
