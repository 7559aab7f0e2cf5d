package dev.writ.engine.eval;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import java.util.ArrayList;
import java.util.List;

/**
 * What one action of a request came to. The lists stay the shared empty list until something is
 * added: most actions have one satisfied grant and no forbid or pending approval, and three
 * lists made for every action were a tenth of a decision's allocation.
 */
final class ActionResult {
  final String action;
  Outcome outcome = Outcome.DENY;
  List<CompiledRule> satisfied = List.of();
  List<CompiledRule> forbids = List.of();
  List<PendingApproval> pending = List.of();
  boolean bounded; // whether ttl holds the issued duration; false: unbounded
  long ttl;
  String refusal; // why the first grant that applied refused this delegation; null if none did

  ActionResult(String action) {
    this.action = action;
  }

  void satisfy(CompiledRule rule) {
    if (satisfied.isEmpty()) {
      satisfied = new ArrayList<>(2);
    }
    satisfied.add(rule);
  }

  void pend(List<PendingApproval> missing) {
    if (pending.isEmpty()) {
      pending = new ArrayList<>(missing.size());
    }
    pending.addAll(missing);
  }
}
