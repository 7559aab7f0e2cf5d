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
  static final Comparator<PlanRule.ObligationDef> OBLIGATION_ORDER = Comparator
      .comparing(PlanRule.ObligationDef::name).thenComparing(o -> o.value() == null ? "" : o.value());

  /** Every action denied, for a request refused as a whole (an undeclared intent, parameters that do not fit). */
  static Decision denyAll(AccessRequest request, List<String> reasons) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    request.actions().forEach(a -> outcomes.put(a, Outcome.DENY));
    return Decision.deny(outcomes, reasons);
  }

  /**
   * @param results one per distinct action, in request order
   * @param reasons the deny reasons, in order (an immutable list: the decision keeps it)
   */
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
    // The lists are the first action's own while no other action adds to them (the usual
    // single action), copied only when a second one does.
    List<CompiledRule> granting = List.of();
    List<CompiledRule> forbidding = List.of();
    List<PendingApproval> pending = List.of();
    long ttl = Long.MAX_VALUE;
    boolean bounded = false;
    for (int i = 0; i < count; i++) {
      ActionResult r = results[i];
      forbidding = union(forbidding, r.forbids);
      if (r.outcome == Outcome.PERMIT) {
        granting = union(granting, r.satisfied);
        if (r.bounded) {
          ttl = Math.min(ttl, r.ttl);
          bounded = true;
        }
      } else if (r.outcome == Outcome.PENDING) {
        pending = union(pending, r.pending);
      }
    }
    Optional<Long> issued = Optional.empty();
    boolean standing = false;
    if (overall == Outcome.PERMIT) {
      long limit = bounded ? ttl : Long.MAX_VALUE;
      boolean limited = bounded;
      if (request.durationSeconds().isPresent()) {
        limit = Math.min(limit, request.durationSeconds().get());
        limited = true;
      }
      if (intent != null && intent.data.maxSeconds() != null) {
        limit = Math.min(limit, intent.data.maxSeconds());
        limited = true;
      }
      if (options.delegatorRemainingSeconds().isPresent()) {
        limit = Math.min(limit, options.delegatorRemainingSeconds().get());
        limited = true;
      }
      if (limited) {
        issued = Optional.of(limit);
      } else {
        standing = true;
      }
    }
    List<Obligation> obligations = obligations(granting, forbidding);
    if (pending.size() > 1) {
      pending = new ArrayList<>(pending);
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

  /** {@code into} with the elements of {@code more} it lacks, in order; {@code into} itself is never changed. */
  private static <T> List<T> union(List<T> into, List<T> more) {
    if (more.isEmpty()) {
      return into;
    }
    if (into.isEmpty()) {
      return more;
    }
    List<T> out = null;
    for (T t : more) {
      if (!into.contains(t) && (out == null || !out.contains(t))) {
        if (out == null) {
          out = new ArrayList<>(into);
        }
        out.add(t);
      }
    }
    return out == null ? into : out;
  }

  /**
   * The obligations of the granting, then the forbidding rules; each rule's by name and value
   * (kept so by the rule); no duplicates; then ordered by rule, stably. A single rule's list is
   * returned as it is.
   */
  private static List<Obligation> obligations(List<CompiledRule> granting, List<CompiledRule> forbidding) {
    List<Obligation> first = null;
    List<Obligation> out = null;
    for (int g = 0; g < 2; g++) {
      List<CompiledRule> group = g == 0 ? granting : forbidding;
      for (int i = 0; i < group.size(); i++) {
        List<Obligation> own = group.get(i).obligations;
        if (own.isEmpty()) {
          continue;
        }
        if (first == null) {
          first = own;
          continue;
        }
        if (out == null) {
          out = new ArrayList<>(first);
        }
        for (Obligation ob : own) {
          if (!out.contains(ob)) {
            out.add(ob);
          }
        }
      }
    }
    if (out == null) {
      return first == null ? List.of() : first;
    }
    out.sort(Comparator.comparing(Obligation::policy));
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
}
