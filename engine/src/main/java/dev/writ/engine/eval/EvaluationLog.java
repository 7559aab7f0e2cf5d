package dev.writ.engine.eval;

import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.List;

/** The errors and (when explaining) the rule traces of one decision. */
final class EvaluationLog {
  List<EvalErrorInfo> errors = List.of(); // a list of its own from the first error: most decisions have none
  final List<RuleTrace> traces;

  EvaluationLog(boolean explain) {
    traces = explain ? new ArrayList<>() : null;
  }

  void error(CompiledRule r, EvalError e) {
    if (errors.isEmpty()) {
      errors = new ArrayList<>(2);
    }
    errors.add(new EvalErrorInfo(r.name, e.getMessage(), e.at()));
  }

  boolean explaining() {
    return traces != null;
  }

  void trace(CompiledRule r, String action, EntityUid principal, RuleTrace.Result result, String detail) {
    if (traces != null) {
      traces.add(new RuleTrace(r.name, r.forbid ? "forbid" : "grant", action, principal.toString(), result, detail));
    }
  }
}
