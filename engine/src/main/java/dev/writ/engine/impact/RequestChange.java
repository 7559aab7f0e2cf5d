package dev.writ.engine.impact;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.request.AccessRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A request that the new policies decide differently, and the rules responsible.
 *
 * @param before        the old policies' decision
 * @param after         the new policies' decision
 * @param differences   what differs, decision first
 * @param rulesStopped  rules that decided the request before (satisfied, forbidding or waiting for approval) and no longer do
 * @param rulesStarted  rules that decide it now and did not before
 * @param rulesKept     rules that decide it on both sides (a rule changed in place shows here)
 */
public record RequestChange(String where, AccessRequest request, Decision before, Decision after,
                            List<Difference> differences, List<String> rulesStopped, List<String> rulesStarted,
                            List<String> rulesKept) {
  public RequestChange {
    differences = List.copyOf(differences);
    rulesStopped = List.copyOf(rulesStopped);
    rulesStarted = List.copyOf(rulesStarted);
    rulesKept = List.copyOf(rulesKept);
  }

  /** Every direction among the differences (a request can widen one thing and narrow another). */
  public Set<Direction> directions() {
    Set<Direction> out = EnumSet.noneOf(Direction.class);
    differences.forEach(d -> out.add(d.direction()));
    return out;
  }

  public boolean widens() {
    return directions().contains(Direction.WIDENED);
  }

  /**
   * The rules a reviewer should look at: those that stopped or started deciding the request,
   * or, when the same rules decide it on both sides, those (one of them changed in place).
   */
  public List<String> responsibleRules() {
    if (rulesStopped.isEmpty() && rulesStarted.isEmpty()) {
      return rulesKept;
    }
    java.util.List<String> out = new java.util.ArrayList<>(rulesStopped);
    out.addAll(rulesStarted);
    return out;
  }
}
