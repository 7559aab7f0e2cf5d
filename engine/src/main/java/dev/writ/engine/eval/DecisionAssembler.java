package dev.writ.engine.eval;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.request.AccessRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Combines the per-action results of a request into its {@link Decision} (docs/language.md §7.2): the
 * overall outcome, granting and forbidding rules, pending approvals, obligations, the issued
 * duration, and the errors, each in its documented order. Kept free of streams: it runs on every
 * decision.
 */
final class DecisionAssembler {
  private DecisionAssembler() {}

  private static final Comparator<EvalErrorInfo> ERROR_ORDER = Comparator.comparing(EvalErrorInfo::policy)
      .thenComparing(EvalErrorInfo::at).thenComparing(EvalErrorInfo::message);
  private static final Comparator<PendingApproval> PENDING_ORDER = Comparator.comparing(PendingApproval::policy)
      .thenComparing(PendingApproval::from);
  private static final Comparator<PlanRule.ObligationDef> OBLIGATION_ORDER = Comparator
      .comparing(PlanRule.ObligationDef::name).thenComparing(o -> o.value() == null ? "" : o.value());

  /** Every action denied, for a request refused as a whole (an undeclared intent, parameters that do not fit). */
  static Decision denyAll(AccessRequest request, List<String> reasons) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    request.actions().forEach(a -> outcomes.put(a, Outcome.DENY));
    return Decision.deny(outcomes, reasons);
  }

  /** @param results one per distinct action, in request order */
  static Decision assemble(ActionResult[] results, int count, List<String> reasons, EvaluationLog log,
                           CompiledIntent intent, AccessRequest request, DecideOptions options) {
    Map<String, Outcome> outcomes;
    if (count == 1) {
      outcomes = Map.of(results[0].action, results[0].outcome);
    } else {
      outcomes = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        outcomes.put(results[i].action, results[i].outcome);
      }
    }
    Outcome overall = Outcome.PERMIT;
    for (int i = 0; i < count; i++) {
      overall = overall.and(results[i].outcome);
    }
    List<CompiledRule> granting = new ArrayList<>(2);
    List<CompiledRule> forbidding = List.of();
    List<PendingApproval> pending = List.of();
    Long ttl = null;
    boolean bounded = false;
    for (int i = 0; i < count; i++) {
      ActionResult r = results[i];
      if (!r.forbids.isEmpty()) {
        if (forbidding.isEmpty()) {
          forbidding = new ArrayList<>(r.forbids);
        } else {
          addNew(forbidding, r.forbids);
        }
      }
      if (r.outcome == Outcome.PERMIT) {
        addNew(granting, r.satisfied);
        if (r.ttl != null) {
          ttl = ttl == null ? r.ttl : Math.min(ttl, r.ttl);
          bounded = true;
        }
      } else if (r.outcome == Outcome.PENDING) {
        if (pending.isEmpty()) {
          pending = new ArrayList<>();
        }
        addNew(pending, r.pending);
      }
    }
    Optional<Long> issued = Optional.empty();
    boolean standing = false;
    if (overall == Outcome.PERMIT) {
      Long limit = bounded ? ttl : null;
      limit = min(limit, request.durationSeconds().orElse(null));
      limit = min(limit, intent == null ? null : intent.data.maxSeconds());
      limit = min(limit, options.delegatorRemainingSeconds().orElse(null));
      if (limit == null) {
        standing = true;
      } else {
        issued = Optional.of(limit);
      }
    }
    List<Obligation> obligations = obligations(granting, forbidding);
    if (obligations.size() > 1) {
      obligations.sort(Comparator.comparing(Obligation::policy));
    }
    if (pending.size() > 1) {
      pending.sort(PENDING_ORDER);
    }
    List<EvalErrorInfo> errors = log.errors;
    if (errors.size() > 1) {
      TreeSet<EvalErrorInfo> sorted = new TreeSet<>(ERROR_ORDER);
      sorted.addAll(errors);
      errors = new ArrayList<>(sorted);
    }
    return new Decision(overall, issued, standing, names(granting), names(forbidding), pending, obligations, outcomes,
        reasons, errors, log.traces == null ? Optional.empty() : Optional.of(List.copyOf(log.traces)));
  }

  private static <T> void addNew(List<T> into, List<T> more) {
    for (T t : more) {
      if (!into.contains(t)) {
        into.add(t);
      }
    }
  }

  /** The obligations of the granting, then the forbidding rules; each rule's by name and value; no duplicates. */
  private static List<Obligation> obligations(List<CompiledRule> granting, List<CompiledRule> forbidding) {
    List<Obligation> out = List.of();
    for (List<CompiledRule> group : List.of(granting, forbidding)) {
      for (CompiledRule r : group) {
        if (r.data.obligations().isEmpty()) {
          continue;
        }
        if (out.isEmpty()) {
          out = new ArrayList<>();
        }
        List<PlanRule.ObligationDef> defs = new ArrayList<>(r.data.obligations());
        defs.sort(OBLIGATION_ORDER);
        for (PlanRule.ObligationDef o : defs) {
          Obligation ob = new Obligation(o.name(), o.value(), r.name);
          if (!out.contains(ob)) {
            out.add(ob);
          }
        }
      }
    }
    return out;
  }

  /** Rule names, sorted. */
  private static List<String> names(List<CompiledRule> rules) {
    if (rules.isEmpty()) {
      return List.of();
    }
    if (rules.size() == 1) {
      return List.of(rules.get(0).name);
    }
    String[] out = new String[rules.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rules.get(i).name;
    }
    Arrays.sort(out);
    return List.of(out);
  }

  private static Long min(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }
}
