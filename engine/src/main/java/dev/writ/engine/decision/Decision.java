package dev.writ.engine.decision;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decision on an access request (docs/decisions.md).
 *
 * @param ttlSeconds  the issued duration; empty when standing or when the decision is not permit
 * @param policies    grants satisfied for the permitted actions
 * @param forbids     forbids that applied (or failed closed)
 * @param actions     the outcome per requested action, in request order
 * @param explanation present when asked for: per candidate rule, what held and what did not
 */
public record Decision(Outcome decision, Optional<Long> ttlSeconds, boolean standing, List<String> policies,
                      List<String> forbids, List<PendingApproval> pending, List<Obligation> obligations,
                      Map<String, Outcome> actions, List<String> reasons, List<EvalErrorInfo> errors,
                      Optional<List<RuleTrace>> explanation) {
  public Decision {
    policies = List.copyOf(policies);
    forbids = List.copyOf(forbids);
    pending = List.copyOf(pending);
    obligations = List.copyOf(obligations);
    // One action is the common case: a one-entry map has its order already.
    actions = actions.size() == 1 ? Map.copyOf(actions)
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(actions));
    reasons = reasons instanceof Reasons ? reasons : List.copyOf(reasons); // immutable already
    errors = List.copyOf(errors);
  }

  public boolean permitted() {
    return decision == Outcome.PERMIT;
  }

  /** A deny that did not get as far as the rules (unknown intent, bad parameter, ...). */
  public static Decision deny(Map<String, Outcome> actions, List<String> reasons) {
    return new Decision(Outcome.DENY, Optional.empty(), false, List.of(), List.of(), List.of(), List.of(), actions,
        reasons, List.of(), Optional.empty());
  }
}
