package dev.writ.engine.eval;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides access requests over an {@link EvaluationPlan} (LANGUAGE.md §7): intent check, forbids
 * over the principal and its delegation chain, grants with delegation limits and approvals, the
 * issued duration. Rules come from the plan's index, so the work done depends on the rules that
 * could apply, not on the size of the bundle. Thread-safe; one instance per plan.
 *
 * <p>See {@link Decider} for the decision table.
 */
public final class Authorizer implements Decider {
  private static final Comparator<EvalErrorInfo> ERROR_ORDER = Comparator.comparing(EvalErrorInfo::policy)
      .thenComparing(EvalErrorInfo::at).thenComparing(EvalErrorInfo::message);

  private final EvaluationPlan plan;

  public Authorizer(EvaluationPlan plan) {
    this.plan = plan;
  }

  public EvaluationPlan plan() {
    return plan;
  }

  /** What one action came to. */
  private static final class ActionResult {
    Outcome outcome = Outcome.DENY;
    final List<CompiledRule> satisfied = new ArrayList<>();
    final List<CompiledRule> forbids = new ArrayList<>();
    final List<PendingApproval> pending = new ArrayList<>();
    Long ttl; // null: unbounded
  }

  /** Errors and traces collected over the whole decision. */
  private static final class Collector {
    final List<EvalErrorInfo> errors = new ArrayList<>();
    final List<RuleTrace> traces;

    Collector(boolean explain) {
      traces = explain ? new ArrayList<>() : null;
    }

    void error(CompiledRule r, EvalError e) {
      errors.add(new EvalErrorInfo(r.name, e.getMessage(), e.at()));
    }

    void trace(CompiledRule r, String action, EntityUid principal, RuleTrace.Result result, String detail) {
      if (traces != null) {
        traces.add(new RuleTrace(r.name, r.forbid ? "forbid" : "grant", action, principal.toString(), result, detail));
      }
    }
  }

  @Override
  public Decision decide(AccessRequest request, EntityStore entities, DecideOptions options) {
    EntityStore store = entities.overlay(request.entities());
    // One lookup each for principal and resource: entity and ancestors together.
    EntityStore.Resolved principal = store.resolve(request.principal());
    EntityStore.Resolved resource = store.resolve(request.resource());
    if (principal.entity() == null) {
      requireKnown(store, request.principal(), "principal");
    }
    if (resource.entity() == null) {
      requireKnown(store, request.resource(), "resource");
    }
    validate(request, store);
    Instant time = request.time().orElse(options.defaultTime());
    List<String> reasons = new ArrayList<>(2);

    CompiledIntent intent = null;
    Map<String, Value> params = Map.of();
    String intentName = null;
    if (request.intent().isPresent()) {
      intentName = request.intent().get().name();
      intent = plan.intent(intentName);
      if (intent == null) {
        reasons.add("intent `" + intentName + "` is not declared");
      } else {
        params = IntentParams.check(intent, request.intent().get().params(), reasons);
      }
      if (!reasons.isEmpty()) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        request.actions().forEach(a -> outcomes.put(a, Outcome.DENY));
        return Decision.deny(outcomes, reasons);
      }
    }

    EvalState s = new EvalState(store, plan.attributes(), request.resource(), resource, request.context(), intentName,
        params, request.durationSeconds().orElse(null), time);
    s.principal(request.principal(), principal, request.delegation());
    Set<EntityUid> resourceAncestors = s.resourceAncestors();
    Collector collector = new Collector(options.explain());
    RuleIndex.Candidates candidates = CANDIDATES.get();
    // Requests usually name one action: arrays, not maps, keep this path free of hashing.
    List<String> actions = request.actions();
    String[] names = new String[actions.size()];
    ActionResult[] results = new ActionResult[actions.size()];
    int distinct = 0;

    next:
    for (String action : actions) {
      for (int i = 0; i < distinct; i++) {
        if (names[i].equals(action)) {
          continue next;
        }
      }
      s.action(action);
      ActionResult result;
      if (intent != null && !intent.covers(s)) {
        result = new ActionResult();
        reasons.add("`" + action + "` on `" + request.resource() + "` is outside intent `" + intentName + "`");
      } else {
        result = decideAction(action, s, resourceAncestors, request, candidates, collector);
        s.principal(request.principal(), request.delegation());
        if (result.outcome == Outcome.DENY) {
          if (!result.forbids.isEmpty()) {
            for (CompiledRule f : result.forbids) {
              String why = f.data.meta().reason();
              reasons.add("`" + action + "` is forbidden by `" + f.name + "`" + (why == null ? "" : ": " + why));
            }
          } else {
            reasons.add("no grant applies to `" + action + "` on `" + request.resource() + "`");
          }
        }
      }
      names[distinct] = action;
      results[distinct++] = result;
    }
    Map<String, Outcome> outcomes;
    if (distinct == 1) {
      outcomes = Map.of(names[0], results[0].outcome);
    } else {
      outcomes = new LinkedHashMap<>();
      for (int i = 0; i < distinct; i++) {
        outcomes.put(names[i], results[i].outcome);
      }
    }
    return assemble(results, distinct, outcomes, reasons, collector, intent, request, options);
  }

  /** Candidate buffers are reused per thread: a decision must not allocate one for every call. */
  private static final ThreadLocal<RuleIndex.Candidates> CANDIDATES = ThreadLocal.withInitial(RuleIndex.Candidates::new);

  private ActionResult decideAction(String action, EvalState s, Set<EntityUid> resourceAncestors,
                                    AccessRequest request, RuleIndex.Candidates candidates, Collector collector) {
    ActionResult result = new ActionResult();
    List<EntityUid> chain = request.delegation();

    // Forbids: the acting principal and every member of the chain, each as principal.
    for (int i = chain.size(); i >= 0; i--) {
      EntityUid member = i == chain.size() ? request.principal() : chain.get(i);
      s.principal(member, i == chain.size() ? chain : chain.subList(0, i));
      plan.forbidIndex().candidates(action, s, resourceAncestors, candidates);
      for (int c = 0; c < candidates.size(); c++) {
        CompiledRule rule = plan.rule(candidates.get(c));
        if (applies(rule, s, collector, true) && !result.forbids.contains(rule)) {
          result.forbids.add(rule);
        }
      }
    }
    s.principal(request.principal(), chain);
    if (!result.forbids.isEmpty()) {
      return result;
    }

    // Grants.
    plan.grantIndex().candidates(action, s, resourceAncestors, candidates);
    int n = candidates.size();
    int[] ids = new int[n];
    for (int c = 0; c < n; c++) {
      ids[c] = candidates.get(c);
    }
    boolean unbounded = false;
    long longest = 0;
    for (int id : ids) {
      CompiledRule rule = plan.rule(id);
      if (!applies(rule, s, collector, false)) {
        continue;
      }
      String refused = delegationRefusal(rule, s, request, collector);
      s.principal(request.principal(), chain);
      if (refused != null) {
        collector.trace(rule, action, request.principal(), RuleTrace.Result.DELEGATION_REFUSED, refused);
        continue;
      }
      List<PendingApproval> missing = missingApprovals(rule, s, request, collector);
      if (missing.isEmpty()) {
        collector.trace(rule, action, request.principal(), RuleTrace.Result.SATISFIED, rule.data.standing() == null
            ? "all clauses hold" : "all clauses hold; standing on purpose: " + rule.data.standing());
        result.satisfied.add(rule);
        if (rule.data.ttlSeconds() == null) {
          unbounded = true;
        } else {
          longest = Math.max(longest, rule.data.ttlSeconds());
        }
      } else {
        collector.trace(rule, action, request.principal(), RuleTrace.Result.PENDING_APPROVAL,
            "waiting for " + missing.stream().map(p -> p.missing() + " approval(s) from `" + p.from() + "`").toList());
        result.pending.addAll(missing);
      }
    }
    if (!result.satisfied.isEmpty()) {
      result.outcome = Outcome.PERMIT;
      result.ttl = unbounded ? null : longest;
    } else if (!result.pending.isEmpty()) {
      result.outcome = Outcome.PENDING;
    }
    return result;
  }

  /** Scope and conditions; an error makes a forbid apply (fail closed) and a grant not apply. */
  private static boolean applies(CompiledRule rule, EvalState s, Collector collector, boolean forbid) {
    String action = s.principalUid() == null ? "" : stateAction(s);
    if (!rule.scopeMatches(s)) {
      collector.trace(rule, action, s.principalUid(), RuleTrace.Result.NOT_APPLICABLE, "scope does not match");
      return false;
    }
    try {
      int failing = rule.firstFailing(s);
      if (failing >= 0) {
        collector.trace(rule, action, s.principalUid(), RuleTrace.Result.NOT_APPLICABLE,
            "`" + rule.data.conditions().get(failing).text() + "` does not hold (" + rule.data.conditions().get(failing).at() + ")");
        return false;
      }
      collector.trace(rule, action, s.principalUid(), RuleTrace.Result.APPLIES, "scope and conditions hold");
      return true;
    } catch (EvalError e) {
      collector.error(rule, e);
      collector.trace(rule, action, s.principalUid(), RuleTrace.Result.ERROR, e.getMessage() + " (" + e.at() + ")"
          + (forbid ? "; a forbid that errors applies" : "; a grant that errors does not apply"));
      return forbid;
    }
  }

  private static String stateAction(EvalState s) {
    return s.actionName();
  }

  /** Null when the delegation limits of §7.5 hold, else why not. Leaves {@code s} on a chain member. */
  private String delegationRefusal(CompiledRule rule, EvalState s, AccessRequest request, Collector collector) {
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
    Entity acting = s.principalEntity();
    if (!rule.delegationKindAllowed(acting == null ? null : acting.kind())) {
      return "`" + request.principal() + "` is not of a kind the rule may delegate to";
    }
    for (int i = 1; i < depth; i++) {
      Entity member = s.store().get(chain.get(i));
      if (!rule.delegationKindAllowed(member == null ? null : member.kind())) {
        return "chain member `" + chain.get(i) + "` is not of a kind the rule may delegate to";
      }
    }
    for (int i = 0; i < depth; i++) {
      s.principal(chain.get(i), chain.subList(0, i));
      if (!applies(rule, s, collector, false)) {
        return "the rule does not apply to chain member `" + chain.get(i) + "`";
      }
    }
    return null;
  }

  private static List<PendingApproval> missingApprovals(CompiledRule rule, EvalState s, AccessRequest request,
                                                       Collector collector) {
    List<PlanRule.Approval> approvals = rule.data.approvals();
    if (approvals.isEmpty()) {
      return List.of();
    }
    List<PendingApproval> missing = new ArrayList<>();
    for (int i = 0; i < approvals.size(); i++) {
      PlanRule.Approval a = approvals.get(i);
      if (!rule.approvalRequired(i, s, e -> collector.error(rule, e))) {
        continue;
      }
      EntityUid from = rule.approvalFrom(i);
      Set<EntityUid> counted = new HashSet<>();
      for (AccessRequest.Approval given : request.approvals()) {
        EntityUid by = given.by();
        if (by.equals(request.principal()) || request.delegation().contains(by)) {
          continue; // no self-approval, not by anyone in the chain either
        }
        if (s.store().ancestorsOrSelf(by).contains(from)) {
          counted.add(by);
        }
      }
      if (counted.size() < a.count()) {
        missing.add(new PendingApproval(rule.name, from, a.count(), a.count() - counted.size()));
      }
    }
    return missing;
  }

  private static final Comparator<PendingApproval> PENDING_ORDER = Comparator.comparing(PendingApproval::policy)
      .thenComparing(PendingApproval::from);
  private static final Comparator<PlanRule.ObligationDef> OBLIGATION_ORDER = Comparator
      .comparing(PlanRule.ObligationDef::name).thenComparing(o -> o.value() == null ? "" : o.value());

  /** Combines the per-action results (LANGUAGE.md §7.2). Kept free of streams: it runs on every decision. */
  private Decision assemble(ActionResult[] results, int count, Map<String, Outcome> outcomes, List<String> reasons,
                            Collector collector, CompiledIntent intent, AccessRequest request, DecideOptions options) {
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
        forbidding = forbidding.isEmpty() ? new ArrayList<>(r.forbids) : forbidding;
        if (forbidding != r.forbids) {
          for (CompiledRule f : r.forbids) {
            if (!forbidding.contains(f)) {
              forbidding.add(f);
            }
          }
        }
      }
      if (r.outcome == Outcome.PERMIT) {
        for (CompiledRule g : r.satisfied) {
          if (!granting.contains(g)) {
            granting.add(g);
          }
        }
        if (r.ttl != null) {
          ttl = ttl == null ? r.ttl : Math.min(ttl, r.ttl);
          bounded = true;
        }
      } else if (r.outcome == Outcome.PENDING) {
        if (pending.isEmpty()) {
          pending = new ArrayList<>();
        }
        for (PendingApproval p : r.pending) {
          if (!pending.contains(p)) {
            pending.add(p);
          }
        }
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
    List<String> policies = names(granting);
    List<String> forbids = names(forbidding);
    List<Obligation> obligations = List.of();
    for (List<CompiledRule> group : List.of(granting, forbidding)) {
      for (CompiledRule r : group) {
        if (!r.data.obligations().isEmpty()) {
          if (obligations.isEmpty()) {
            obligations = new ArrayList<>();
          }
          List<PlanRule.ObligationDef> defs = new ArrayList<>(r.data.obligations());
          defs.sort(OBLIGATION_ORDER);
          for (PlanRule.ObligationDef o : defs) {
            Obligation ob = new Obligation(o.name(), o.value(), r.name);
            if (!obligations.contains(ob)) {
              obligations.add(ob);
            }
          }
        }
      }
    }
    if (obligations.size() > 1) {
      obligations.sort(Comparator.comparing(Obligation::policy));
    }
    if (pending.size() > 1) {
      pending.sort(PENDING_ORDER);
    }
    List<EvalErrorInfo> errors = collector.errors;
    if (errors.size() > 1) {
      TreeSet<EvalErrorInfo> sorted = new TreeSet<>(ERROR_ORDER);
      sorted.addAll(errors);
      errors = new ArrayList<>(sorted);
    }
    return new Decision(overall, issued, standing, policies, forbids, pending, obligations, outcomes, reasons, errors,
        collector.traces == null ? Optional.empty() : Optional.of(List.copyOf(collector.traces)));
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
    java.util.Arrays.sort(out);
    return List.of(out);
  }

  private static Long min(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }

  /** Entities must be known and actions concrete (LANGUAGE.md §7). */
  /** Chain members and approvers must be known, and actions concrete (principal and resource: in decide). */
  private void validate(AccessRequest request, EntityStore store) {
    for (int i = 0; i < request.delegation().size(); i++) {
      if (store.get(request.delegation().get(i)) == null) {
        requireKnown(store, request.delegation().get(i), "delegation[" + i + "]");
      }
    }
    for (int i = 0; i < request.approvals().size(); i++) {
      if (store.get(request.approvals().get(i).by()) == null) {
        requireKnown(store, request.approvals().get(i).by(), "approvals[" + i + "].by");
      }
    }
    for (int i = 0; i < request.actions().size(); i++) {
      String a = request.actions().get(i);
      boolean concrete = a.indexOf('*') < 0 && !plan.isActionGroup(a) && (!plan.schema().strict() || plan.isDeclaredAction(a));
      if (concrete) {
        continue; // the common case builds no strings
      }
      String field = "actions[" + i + "]";
      if (a.contains("*")) {
        throw new BadRequestException(field, "`" + a + "` is a wildcard; a request names concrete actions");
      }
      if (plan.isActionGroup(a)) {
        throw new BadRequestException(field, "`" + a + "` is an action group; a request names concrete actions");
      }
      if (plan.schema().strict() && !plan.isDeclaredAction(a)) {
        throw new BadRequestException(field, "unknown action `" + a + "`"
            + dev.writ.language.vocab.Suggestions.hint(a, plan.schema().actions().keySet()).map(h -> "; " + h).orElse(""));
      }
    }
  }

  private static void requireKnown(EntityStore store, EntityUid uid, String field) {
    if (store.get(uid) == null) {
      throw new BadRequestException(field, "unknown entity `" + uid + "`");
    }
  }

  /**
   * For an action fact (LANGUAGE.md §8, step 2): why the request's single action on its resource
   * is outside its intent's envelope, or empty when it is inside (or the request has no intent).
   * An intent that is no longer declared, or parameters that no longer fit it, count as outside.
   */
  public Optional<String> outsideIntent(AccessRequest request, EntityStore entities, Instant time) {
    if (request.intent().isEmpty()) {
      return Optional.empty();
    }
    String name = request.intent().get().name();
    CompiledIntent intent = plan.intent(name);
    if (intent == null) {
      return Optional.of("intent `" + name + "` is not declared in the current bundle");
    }
    List<String> problems = new ArrayList<>();
    Map<String, Value> params = IntentParams.check(intent, request.intent().get().params(), problems);
    if (!problems.isEmpty()) {
      return Optional.of(problems.get(0));
    }
    EntityStore store = entities.overlay(request.entities());
    EvalState s = new EvalState(store, plan.attributes(), request.resource(), request.context(), name, params,
        request.durationSeconds().orElse(null), time);
    s.principal(request.principal(), request.delegation());
    String action = request.actions().get(0);
    s.action(action);
    return intent.covers(s) ? Optional.empty()
        : Optional.of("`" + action + "` on `" + request.resource() + "` is outside intent `" + name + "`");
  }

  /** Whether a grant for this intent revokes its tree on drift ({@code on drift revoke}). */
  public boolean revokesOnDrift(String intentName) {
    CompiledIntent intent = plan.intent(intentName);
    return intent != null && intent.revokeOnDrift();
  }

  /**
   * For an action fact (LANGUAGE.md §8, step 4): the forbids that apply now to the request's
   * single action, for its principal or any member of its chain. A forbid that errors applies.
   */
  public List<String> forbidding(AccessRequest request, EntityStore entities, Instant time) {
    EntityStore store = entities.overlay(request.entities());
    String intentName = request.intent().map(AccessRequest.IntentRef::name).orElse(null);
    Map<String, Value> params = Map.of();
    CompiledIntent intent = intentName == null ? null : plan.intent(intentName);
    if (intent != null) {
      params = IntentParams.check(intent, request.intent().get().params(), new ArrayList<>());
    }
    EvalState s = new EvalState(store, plan.attributes(), request.resource(), request.context(), intentName, params,
        request.durationSeconds().orElse(null), time);
    s.principal(request.principal(), request.delegation());
    String action = request.actions().get(0);
    s.action(action);
    ActionResult result = new ActionResult();
    Collector collector = new Collector(false);
    RuleIndex.Candidates candidates = new RuleIndex.Candidates();
    Set<EntityUid> resourceAncestors = store.ancestorsOrSelf(request.resource());
    List<EntityUid> chain = request.delegation();
    for (int i = chain.size(); i >= 0; i--) {
      EntityUid member = i == chain.size() ? request.principal() : chain.get(i);
      if (store.get(member) == null && i < chain.size()) {
        continue;
      }
      s.principal(member, i == chain.size() ? chain : chain.subList(0, i));
      plan.forbidIndex().candidates(action, s, resourceAncestors, candidates);
      for (int c = 0; c < candidates.size(); c++) {
        CompiledRule rule = plan.rule(candidates.get(c));
        if (applies(rule, s, collector, true) && !result.forbids.contains(rule)) {
          result.forbids.add(rule);
        }
      }
    }
    return result.forbids.stream().map(r -> r.name).sorted().toList();
  }

  /**
   * The rules the index proposes for one action with {@code principal} as the acting principal
   * (grants and forbids). For tests that check the index never misses a rule.
   */
  public List<String> candidates(AccessRequest request, EntityStore entities, String action, EntityUid principal) {
    EntityStore store = entities.overlay(request.entities());
    EvalState s = new EvalState(store, plan.attributes(), request.resource(), request.context(),
        request.intent().map(AccessRequest.IntentRef::name).orElse(null), Map.of(),
        request.durationSeconds().orElse(null), request.time().orElse(Instant.EPOCH));
    s.principal(principal, request.delegation());
    s.action(action);
    Set<EntityUid> resourceAncestors = store.ancestorsOrSelf(request.resource());
    RuleIndex.Candidates c = new RuleIndex.Candidates();
    List<String> out = new ArrayList<>();
    plan.grantIndex().candidates(action, s, resourceAncestors, c);
    for (int i = 0; i < c.size(); i++) {
      out.add(plan.rule(c.get(i)).name);
    }
    plan.forbidIndex().candidates(action, s, resourceAncestors, c);
    for (int i = 0; i < c.size(); i++) {
      out.add(plan.rule(c.get(i)).name);
    }
    return out;
  }
}
