package dev.writ.engine.eval;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import java.util.ArrayList;
import java.util.List;

/** What one action of a request came to. */
final class ActionResult {
  final String action;
  Outcome outcome = Outcome.DENY;
  final List<CompiledRule> satisfied = new ArrayList<>(2);
  final List<CompiledRule> forbids = new ArrayList<>(2);
  final List<PendingApproval> pending = new ArrayList<>(0);
  Long ttl; // null: unbounded
  String refusal; // why the first grant that applied refused this delegation; null if none did

  ActionResult(String action) {
    this.action = action;
  }
}
