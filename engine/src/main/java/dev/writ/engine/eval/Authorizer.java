package dev.writ.engine.eval;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.decision.Reasons;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides access requests over an {@link EvaluationPlan} (docs/language.md §7): intent check, forbids
 * over the principal and its delegation chain, grants with delegation limits and approvals. Rules
 * come from the plan's index, so the work done depends on the rules that could apply, not on the
 * size of the bundle. Thread-safe; one instance per plan.
 *
 * <p>This class is the decision loop only: {@link RequestValidator} refuses requests that cannot
 * be decided, {@link EvalScope} makes the evaluation state of each action and chain position, and
 * {@link DecisionAssembler} combines the per-action results. Action facts are checked by
 * {@link ActionCheck}. See {@link Decider} for the decision table.
 */
public final class Authorizer implements Decider {
  private final EvaluationPlan plan;
  private final RequestValidator validator;
  private final ActionCheck actionCheck;

  public Authorizer(EvaluationPlan plan) {
    this.plan = plan;
    this.validator = new RequestValidator(plan);
    this.actionCheck = new ActionCheck(this);
  }

  public EvaluationPlan plan() {
    return plan;
  }

  /** The checks of an action fact against this plan (docs/language.md §8). */
  public ActionCheck actionCheck() {
    return actionCheck;
  }

  /** Candidate buffers are reused per thread: a decision must not allocate one for every call. */
  private static final ThreadLocal<RuleIndex.Candidates> CANDIDATES = ThreadLocal.withInitial(RuleIndex.Candidates::new);

  @Override
  public Decision decide(AccessRequest request, EntityStore entities, DecideOptions options) {
    RequestValidator.Valid valid = validator.validate(request, entities);
    CompiledIntent intent = null;
    Map<String, Value> params = Map.of();
    String intentName = null;
    if (request.intent().isPresent()) {
      intentName = request.intent().get().name();
      intent = plan.intent(intentName);
      List<String> problems = new ArrayList<>(2);
      if (intent == null) {
        problems.add("intent `" + intentName + "` is not declared");
      } else {
        params = IntentParams.check(intent, request.intent().get().params(), problems);
      }
      if (!problems.isEmpty()) {
        return DecisionAssembler.denyAll(request, problems);
      }
    }
    EvalScope scope = EvalScope.of(valid, plan, request, intentName, params, request.time().orElse(options.defaultTime()));
    EvaluationLog log = new EvaluationLog(options.explain());
    RuleIndex.Candidates candidates = CANDIDATES.get();
    // Made on the first reason: a permit has none. Sentences or Reasons.Pending, rendered when read.
    List<Object> reasons = List.of();
    // Requests usually name one action: an array, not a map, keeps this path free of hashing.
    List<String> actions = request.actions();
    ActionResult[] results = new ActionResult[actions.size()];
    int distinct = 0;
    next:
    for (int a = 0; a < actions.size(); a++) { // indexed: an iterator per decision was not always scalar-replaced
      String action = actions.get(a);
      for (int i = 0; i < distinct; i++) {
        if (results[i].action.equals(action)) {
          continue next;
        }
      }
      EvalScope.ForAction at = scope.forAction(action);
      ActionResult result = new ActionResult(action);
      results[distinct++] = result;
      if (intent != null && !intent.covers(at.acting())) {
        reasons = growable(reasons);
        reasons.add(new OutsideIntent(action, request.resource(), intentName));
        continue;
      }
      decideAction(at, result, request, candidates, log);
      if (result.outcome == Outcome.DENY) {
        reasons = growable(reasons);
        if (result.forbids.isEmpty()) {
          reasons.add(new NoGrant(action, request.resource(), delegationDenial(result, at, request, candidates)));
        }
        for (int f = 0; f < result.forbids.size(); f++) {
          CompiledRule rule = result.forbids.get(f);
          reasons.add(new Forbidden(action, rule.name, rule.data.meta().reason()));
        }
      }
    }
    return DecisionAssembler.assemble(results, distinct, Reasons.of(reasons), log, intent, request, options);
  }

  // The deny reasons of the decision loop, as data until a caller reads them (Reasons).

  /** {@code `a` on `r` is outside intent `i`}. */
  private record OutsideIntent(String action, EntityUid resource, String intent) implements Reasons.Pending {
    @Override
    public String render() {
      return "`" + action + "` on `" + resource + "` is outside intent `" + intent + "`";
    }
  }

  /** {@code no grant applies to `a` on `r`}, then why a delegation was not admitted ({@code ""} if none). */
  private record NoGrant(String action, EntityUid resource, String delegation) implements Reasons.Pending {
    @Override
    public String render() {
      return "no grant applies to `" + action + "` on `" + resource + "`" + delegation;
    }
  }

  /** {@code `a` is forbidden by `f`}, then the forbid's reason when it has one. */
  private record Forbidden(String action, String rule, String why) implements Reasons.Pending {
    @Override
    public String render() {
      return "`" + action + "` is forbidden by `" + rule + "`" + (why == null ? "" : ": " + why);
    }
  }

  private static List<Object> growable(List<Object> reasons) {
    return reasons.isEmpty() && !(reasons instanceof ArrayList) ? new ArrayList<>(2) : reasons;
  }

  private void decideAction(EvalScope.ForAction at, ActionResult result, AccessRequest request,
                            RuleIndex.Candidates candidates, EvaluationLog log) {
    result.forbids = forbids(at, candidates, log);
    if (!result.forbids.isEmpty()) {
      return;
    }
    EvalState s = at.acting();
    plan.grantIndex().candidates(at.action(), s, candidates);
    boolean unbounded = false;
    long longest = 0;
    // Nothing in this loop looks rules up again, so the buffer stays as the index left it.
    for (int c = 0; c < candidates.size(); c++) {
      CompiledRule rule = plan.rule(candidates.get(c));
      if (!applies(rule, s, log, false)) {
        continue;
      }
      String refused = delegationRefusal(rule, at, request, log);
      if (refused != null) {
        log.trace(rule, at.action(), s.principalUid, RuleTrace.Result.DELEGATION_REFUSED, refused);
        if (result.refusal == null) {
          result.refusal = "`" + rule.name + "` " + admitsSponsor(rule, at, request) + "not this delegation: " + refused;
        }
        continue;
      }
      List<PendingApproval> missing = missingApprovals(rule, s, request, log);
      if (missing.isEmpty()) {
        if (log.explaining()) { // else the rule's plan data is not read at all
          log.trace(rule, at.action(), s.principalUid, RuleTrace.Result.SATISFIED, rule.data.standing() == null
              ? "all clauses hold" : "all clauses hold; standing on purpose: " + rule.data.standing());
        }
        result.satisfy(rule);
        if (!rule.bounded) {
          unbounded = true;
        } else {
          longest = Math.max(longest, rule.ttlSeconds);
        }
      } else {
        if (log.explaining()) {
          log.trace(rule, at.action(), s.principalUid, RuleTrace.Result.PENDING_APPROVAL, "waiting for "
              + missing.stream().map(p -> p.missing() + " approval(s) from `" + p.from() + "`").toList());
        }
        result.pend(missing);
      }
    }
    if (!result.satisfied.isEmpty()) {
      result.outcome = Outcome.PERMIT;
      result.bounded = !unbounded;
      result.ttl = longest;
    } else if (!result.pending.isEmpty()) {
      result.outcome = Outcome.PENDING;
    }
  }

  /**
   * Adds to {@code out} the forbids that apply to the action for the acting principal or for any
   * chain member taken as principal, in the order found (a forbid that errors applies). Chain
   * members the store does not know are skipped: a decision has refused them already, and an
   * action fact's chain may name an entity that has since been removed. Returns the shared empty
   * list when none applies.
   */
  List<CompiledRule> forbids(EvalScope.ForAction at, RuleIndex.Candidates candidates, EvaluationLog log) {
    List<CompiledRule> out = List.of();
    for (int i = at.depth(); i >= 0; i--) {
      EvalState s = at.at(i);
      if (i < at.depth() && s.principal == null) {
        continue;
      }
      plan.forbidIndex().candidates(at.action(), s, candidates);
      for (int c = 0; c < candidates.size(); c++) {
        CompiledRule rule = plan.rule(candidates.get(c));
        if (applies(rule, s, log, true) && !out.contains(rule)) {
          if (out.isEmpty()) {
            out = new ArrayList<>(2);
          }
          out.add(rule);
        }
      }
    }
    return out;
  }

  /**
   * For a delegated request that no grant admits, which rule would have served the sponsor and
   * why not this delegate ({@code ""} for a direct request, or when no rule applies to the
   * sponsor either): a denial that only said "no grant applies" would hide that the sponsor's
   * rule exists and stops at the delegate's kind or the chain's depth. Runs on denials only.
   * Leaves {@code s} on the sponsor.
   */
  private String delegationDenial(ActionResult result, EvalScope.ForAction at, AccessRequest request,
                                  RuleIndex.Candidates candidates) {
    List<EntityUid> chain = request.delegation();
    if (chain.isEmpty()) {
      return "";
    }
    if (result.refusal != null) {
      return ": " + result.refusal;
    }
    EvalState sponsor = at.at(0);
    plan.grantIndex().candidates(at.action(), sponsor, candidates);
    EvaluationLog quiet = new EvaluationLog(false);
    for (int c = 0; c < candidates.size(); c++) {
      CompiledRule rule = plan.rule(candidates.get(c));
      if (applies(rule, sponsor, quiet, false)) {
        return ": `" + rule.name + "` admits the sponsor `" + chain.get(0) + "` but its scope or conditions do not admit `"
            + request.principal() + "`";
      }
    }
    return "";
  }

  /** {@code "admits the sponsor `X` but "} when the rule applies to the chain's root, else {@code ""}. */
  private static String admitsSponsor(CompiledRule rule, EvalScope.ForAction at, AccessRequest request) {
    return applies(rule, at.at(0), new EvaluationLog(false), false)
        ? "admits the sponsor `" + request.delegation().get(0) + "` but " : "";
  }

  /**
   * Scope and conditions; an error makes a forbid apply (fail closed) and a grant not apply. Every
   * rule passed here is a candidate of the state's action from a {@link RuleIndex}, whose action
   * level is exact (concrete names, prefixes, any), so the action clause is not tested again.
   */
  private static boolean applies(CompiledRule rule, EvalState s, EvaluationLog log, boolean forbid) {
    if (!rule.scopeMatchesIndexed(s)) {
      log.trace(rule, s.actionName(), s.principalUid, RuleTrace.Result.NOT_APPLICABLE, "scope does not match");
      return false;
    }
    try {
      int failing = rule.firstFailing(s);
      if (failing >= 0) {
        if (log.explaining()) {
          PlanRule.Condition c = rule.data.conditions().get(failing);
          log.trace(rule, s.actionName(), s.principalUid, RuleTrace.Result.NOT_APPLICABLE, notHolding(rule, c));
        }
        return false;
      }
      log.trace(rule, s.actionName(), s.principalUid, RuleTrace.Result.APPLIES, "scope and conditions hold");
      return true;
    } catch (EvalError e) {
      log.error(rule, e);
      log.trace(rule, s.actionName(), s.principalUid, RuleTrace.Result.ERROR, e.getMessage() + " (" + e.at() + ")"
          + (forbid ? "; a forbid that errors applies" : "; a grant that errors does not apply"));
      return forbid;
    }
  }

  /**
   * Why a condition ruled its rule out: a {@code when} that did not hold, or an {@code unless}
   * whose expression held (saying "`unless X` does not hold" would leave the reader to work out
   * that X was true).
   */
  private static String notHolding(CompiledRule rule, PlanRule.Condition c) {
    if (c.unless() && c.text().startsWith("unless ")) {
      String expr = c.text().substring("unless ".length());
      return "`" + expr + "` holds, so `" + c.text() + "` rules this " + (rule.forbid ? "forbid" : "grant") + " out ("
          + c.at() + ")";
    }
    return "`" + c.text() + "` does not hold (" + c.at() + ")";
  }

  /** Null when the delegation limits of §7.5 hold for {@code rule}, else why not. */
  private static String delegationRefusal(CompiledRule rule, EvalScope.ForAction at, AccessRequest request,
                                          EvaluationLog log) {
    List<EntityUid> chain = request.delegation();
    int depth = chain.size();
    if (depth == 0) {
      return null;
    }
    if (rule.data.delegation() == null) {
      return "the rule has no `delegate` clause, so only direct requests are satisfied";
    }
    if (depth > rule.data.delegation().depth()) {
      return "delegation depth " + depth + " exceeds the rule's `depth " + rule.data.delegation().depth() + "`";
    }
    Entity acting = at.acting().principal;
    if (!rule.delegationKindAllowed(acting == null ? null : acting.kind())) {
      return "`" + request.principal() + "` is not of a kind the rule may delegate to";
    }
    for (int i = 1; i < depth; i++) {
      Entity member = at.at(i).principal;
      if (!rule.delegationKindAllowed(member == null ? null : member.kind())) {
        return "chain member `" + chain.get(i) + "` is not of a kind the rule may delegate to";
      }
    }
    for (int i = 0; i < depth; i++) {
      if (!applies(rule, at.at(i), log, false)) {
        return "the rule does not apply to chain member `" + chain.get(i) + "`";
      }
    }
    return null;
  }

  private static List<PendingApproval> missingApprovals(CompiledRule rule, EvalState s, AccessRequest request,
                                                       EvaluationLog log) {
    if (!rule.hasApprovals()) {
      return List.of();
    }
    List<PlanRule.Approval> approvals = rule.data.approvals();
    List<PendingApproval> missing = new ArrayList<>();
    for (int i = 0; i < approvals.size(); i++) {
      PlanRule.Approval a = approvals.get(i);
      if (!rule.approvalRequired(i, s, e -> log.error(rule, e))) {
        continue;
      }
      EntityUid from = rule.approvalFrom(i);
      Set<EntityUid> counted = new HashSet<>();
      List<AccessRequest.Approval> given = request.approvals();
      for (int g = 0; g < given.size(); g++) {
        EntityUid by = given.get(g).by();
        if (by.equals(request.principal()) || request.delegation().contains(by)) {
          continue; // no self-approval, not by anyone in the chain either
        }
        if (s.approverAncestors(g, by).contains(from)) {
          counted.add(by);
        }
      }
      if (counted.size() < a.count()) {
        missing.add(new PendingApproval(rule.name, from, a.count(), a.count() - counted.size()));
      }
    }
    return missing;
  }
}
