package dev.writ.engine.reference;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.Decider;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Selector;
import dev.writ.language.ast.Str;
import dev.writ.language.ast.TypeExpr;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.check.CheckedRule;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The reference evaluator: a slow, literal reading of docs/language.md §7 over the checked syntax
 * tree. It has no index, no cache and no precomputation: every decision walks every rule's
 * clauses in source order. It exists to be compared with the plan evaluator, so it is written
 * to be easy to check against the spec, not to be fast.
 *
 * <p>Where the spec leaves a gap, the choices listed in the project's test brief are followed
 * (see the comments marked "Gap:").
 */
public final class ReferenceEvaluator implements Decider {
  private final CheckedBundle bundle;

  public ReferenceEvaluator(CheckedBundle bundle) {
    this.bundle = bundle;
  }

  // =======================================================================================
  // The decision (§7.3)
  // =======================================================================================

  @Override
  public Decision decide(AccessRequest request, EntityStore entities, DecideOptions options) {
    EntityStore store = entities.overlay(request.entities());
    refuseBadRequest(request, store);
    Instant time = request.time().orElse(options.defaultTime());
    List<String> actions = new ArrayList<>(new LinkedHashSet<>(request.actions()));

    // Step 1: the intent check. A request whose intent itself is wrong is denied outright.
    IntentDecl intentDecl = null;
    Optional<RefEnv.IntentView> intentView = Optional.empty();
    if (request.intent().isPresent()) {
      AccessRequest.IntentRef ref = request.intent().get();
      intentDecl = bundle.intents().get(ref.name());
      String problem = intentDecl == null ? "unknown intent `" + ref.name() + "`" : null;
      Map<String, Value> coerced = new LinkedHashMap<>();
      if (problem == null) {
        problem = coerceIntentParams(intentDecl, ref, coerced);
      }
      if (problem != null) {
        Map<String, Outcome> denied = new LinkedHashMap<>();
        actions.forEach(a -> denied.put(a, Outcome.DENY));
        return Decision.deny(denied, List.of("intent: " + problem));
      }
      intentView = Optional.of(new RefEnv.IntentView(ref.name(), coerced));
    }

    Results results = new Results();
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    Map<String, Long> ttlPerPermittedAction = new LinkedHashMap<>(); // null value: unbounded
    for (String action : actions) {
      RefEnv env = new RefEnv(store, request.principal(), request.resource(), action, request.context(), intentView,
          RefEnv.DelegationView.of(request.principal(), request.delegation()), request.durationSeconds(), time);

      // Step 1 (continued): the (action, resource) pair must be inside the intent's envelope.
      // Gap: only that action is denied; the request's other actions are still decided.
      if (intentDecl != null && !insideEnvelope(intentDecl, env)) {
        outcomes.put(action, Outcome.DENY);
        results.reasons.add("`" + action + "` on `" + request.resource() + "` is outside the envelope of intent `"
            + intentDecl.name().value() + "`");
        continue;
      }
      ActionResult r = decideAction(request, env, results);
      outcomes.put(action, r.outcome);
      if (r.outcome == Outcome.PERMIT) {
        results.policies.addAll(r.satisfied);
        ttlPerPermittedAction.put(action, actionTtl(request, intentDecl, options, r.satisfied));
      }
    }

    Outcome overall = Outcome.PERMIT;
    for (Outcome o : outcomes.values()) {
      overall = overall.and(o);
    }

    // Step 4: the ttl is the smallest per-action ttl; unbounded everywhere means standing.
    // Gap: ttl and standing describe a permit only (a deny or pending has neither).
    Optional<Long> ttl = Optional.empty();
    boolean standing = false;
    if (overall == Outcome.PERMIT) {
      Long min = null;
      for (Long t : ttlPerPermittedAction.values()) {
        if (t != null && (min == null || t < min)) {
          min = t;
        }
      }
      ttl = Optional.ofNullable(min);
      standing = min == null;
    }

    // Step 5: obligations of the satisfied grants and of the applicable forbids.
    List<Obligation> obligations = new ArrayList<>();
    for (CheckedRule rule : bundle.rules()) {
      boolean listed = rule.isGrant() ? results.policies.contains(rule.fullName())
          : results.forbids.contains(rule.fullName());
      if (listed) {
        for (RuleDecl.ObligationClause o : rule.decl().clauses(RuleDecl.ObligationClause.class)) {
          obligations.add(new Obligation(o.name().value(), o.value().map(Str::value).orElse(null), rule.fullName()));
        }
      }
    }
    return new Decision(overall, ttl, standing, List.copyOf(results.policies), List.copyOf(results.forbids),
        sortedDistinct(results.pending, PENDING_ORDER), sortedDistinct(obligations, OBLIGATION_ORDER), outcomes,
        results.reasons, sortedDistinct(results.errors, ERROR_ORDER), Optional.empty());
  }

  /** What the decision collects over all actions. */
  private static final class Results {
    final TreeSet<String> policies = new TreeSet<>();
    final TreeSet<String> forbids = new TreeSet<>();
    final List<PendingApproval> pending = new ArrayList<>();
    final List<EvalErrorInfo> errors = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
  }

  private record ActionResult(Outcome outcome, List<String> satisfied) {}

  /** Steps 2 and 3 for one action whose (action, resource) is inside the intent, if any. */
  private ActionResult decideAction(AccessRequest request, RefEnv env, Results results) {
    String action = env.action();

    // Step 2: forbids, for the acting principal and for each chain member taken as principal.
    // Gap: every forbid is tried at every position (no stopping early), so every applicable
    // forbid and every error is reported.
    boolean forbidden = false;
    for (CheckedRule rule : bundle.rules()) {
      if (rule.isGrant()) {
        continue;
      }
      boolean applies = false;
      for (RefEnv position : principalsToCheck(request, env)) {
        Application a = apply(rule, position);
        if (a.error != null) {
          results.errors.add(a.error);
          applies = true; // fail closed
        } else if (a.applies) {
          applies = true;
        }
      }
      if (applies) {
        results.forbids.add(rule.fullName());
        forbidden = true;
      }
    }
    if (forbidden) {
      results.reasons.add("`" + action + "` is forbidden");
      return new ActionResult(Outcome.DENY, List.of());
    }

    // Step 3: grants, for the acting principal.
    List<String> satisfied = new ArrayList<>();
    List<PendingApproval> unmetOfApplyingGrants = new ArrayList<>();
    boolean someGrantLacksOnlyApprovals = false;
    for (CheckedRule rule : bundle.rules()) {
      if (!rule.isGrant()) {
        continue;
      }
      Application a = apply(rule, env);
      if (a.error != null) {
        results.errors.add(a.error);
        continue;
      }
      if (!a.applies) {
        continue;
      }
      if (!delegationLimitsHold(rule, request, env, results)) {
        continue;
      }
      List<PendingApproval> unmet = unmetApprovals(rule, request, env, results);
      if (unmet.isEmpty()) {
        satisfied.add(rule.fullName());
      } else {
        someGrantLacksOnlyApprovals = true;
        unmetOfApplyingGrants.addAll(unmet);
      }
    }
    if (!satisfied.isEmpty()) {
      return new ActionResult(Outcome.PERMIT, satisfied);
    }
    if (someGrantLacksOnlyApprovals) {
      // Gap: `pending` lists every unmet requirement (docs/decisions.md: "each unmet approval
      // requirement"), of the grants that made this action pending, for pending actions only.
      results.pending.addAll(unmetOfApplyingGrants);
      results.reasons.add("`" + action + "` needs approvals");
      return new ActionResult(Outcome.PENDING, List.of());
    }
    results.reasons.add("no grant applies to `" + action + "`");
    return new ActionResult(Outcome.DENY, List.of());
  }

  /** The acting principal, then each chain member with the chain before it (§7.5). */
  private static List<RefEnv> principalsToCheck(AccessRequest request, RefEnv acting) {
    List<RefEnv> out = new ArrayList<>();
    out.add(acting);
    List<EntityUid> chain = request.delegation();
    for (int i = 0; i < chain.size(); i++) {
      out.add(acting.as(chain.get(i), chain.subList(0, i)));
    }
    return out;
  }

  /** Step 4 for one permitted action; null means unbounded. */
  private Long actionTtl(AccessRequest request, IntentDecl intent, DecideOptions options, List<String> satisfied) {
    List<Long> bounds = new ArrayList<>();
    request.durationSeconds().ifPresent(bounds::add);
    Long largestGrantTtl = 0L;
    for (CheckedRule rule : bundle.rules()) {
      if (satisfied.contains(rule.fullName())) {
        Optional<RuleDecl.TtlClause> ttl = rule.decl().clause(RuleDecl.TtlClause.class);
        if (ttl.isEmpty()) {
          largestGrantTtl = null; // a satisfied grant without ttl: unbounded
          break;
        }
        largestGrantTtl = Math.max(largestGrantTtl, ttl.get().seconds());
      }
    }
    if (largestGrantTtl != null) {
      bounds.add(largestGrantTtl);
    }
    if (intent != null) {
      intent.maxSeconds().ifPresent(bounds::add);
    }
    options.delegatorRemainingSeconds().ifPresent(bounds::add);
    return bounds.stream().min(Long::compare).orElse(null);
  }

  // =======================================================================================
  // Bad requests (§7: "Actions in a request are concrete ...")
  // =======================================================================================

  /** Gap: approvers and chain members must be known entities too, as principal and resource must. */
  private void refuseBadRequest(AccessRequest request, EntityStore store) {
    if (request.actions().isEmpty()) {
      throw new BadRequestException("actions", "a request needs at least one action");
    }
    requireKnown(store, request.principal(), "principal");
    requireKnown(store, request.resource(), "resource");
    for (int i = 0; i < request.delegation().size(); i++) {
      requireKnown(store, request.delegation().get(i), "delegation[" + i + "]");
    }
    for (int i = 0; i < request.approvals().size(); i++) {
      requireKnown(store, request.approvals().get(i).by(), "approvals[" + i + "].by");
    }
    for (int i = 0; i < request.actions().size(); i++) {
      String a = request.actions().get(i);
      String field = "actions[" + i + "]";
      if (a.isEmpty()) {
        throw new BadRequestException(field, "an action name cannot be empty");
      }
      if (a.contains("*")) {
        throw new BadRequestException(field, "`" + a + "` is a wildcard; a request names concrete actions");
      }
      if (bundle.expandedGroups().containsKey(a) || bundle.schema().groups().containsKey(a)) {
        throw new BadRequestException(field, "`" + a + "` is an action group; a request names concrete actions");
      }
      if (bundle.schema().strict() && !bundle.schema().actions().containsKey(a)) {
        throw new BadRequestException(field, "unknown action `" + a + "`");
      }
    }
  }

  private static void requireKnown(EntityStore store, EntityUid uid, String field) {
    if (store.get(uid) == null) {
      throw new BadRequestException(field, "unknown entity `" + uid + "`");
    }
  }

  // =======================================================================================
  // Intents (§5, §7.3 step 1)
  // =======================================================================================

  /**
   * Checks and coerces the request's parameters into {@code out}; returns the problem, or null.
   * Gap: a parameter the intent does not declare is a problem too (a misspelt one must not pass).
   */
  private static String coerceIntentParams(IntentDecl intent, AccessRequest.IntentRef ref, Map<String, Value> out) {
    Set<String> declared = new LinkedHashSet<>();
    for (IntentDecl.Param p : intent.params()) {
      String name = p.name().value();
      declared.add(name);
      Value given = ref.params().get(name);
      if (given == null) {
        if (!p.optional()) {
          return "missing parameter `" + name + "` of intent `" + ref.name() + "`";
        }
        continue;
      }
      Value v = coerce(given, p.type());
      if (v == null) {
        return "parameter `" + name + "` is not a " + typeText(p.type()) + ": " + given;
      }
      if (p.pattern().isPresent()) {
        if (!(v instanceof Value.Str s) || !Pattern.compile(p.pattern().get().value()).matcher(s.value()).matches()) {
          return "parameter `" + name + "` does not match `" + p.pattern().get().value() + "`";
        }
      }
      out.put(name, v);
    }
    for (String given : ref.params().keySet()) {
      if (!declared.contains(given)) {
        return "intent `" + ref.name() + "` has no parameter `" + given + "`";
      }
    }
    return null;
  }

  /**
   * A request value as a value of the declared type, or null when it is not one. Gap: data
   * has no durations, times or entities of its own, so they come as strings (an entity also as
   * {@code {entity: ...}}); a set comes as a list, each element converted.
   */
  private static Value coerce(Value v, TypeExpr type) {
    if (type instanceof TypeExpr.Primitive p) {
      switch (p.kind()) {
        case STRING:
          return v instanceof Value.Str ? v : null;
        case INT:
          return v instanceof Value.Int ? v : null;
        case BOOL:
          return v instanceof Value.Bool ? v : null;
        case DURATION: {
          if (v instanceof Value.Str s) {
            Long seconds = RefInterpreter.parseDuration(s.value());
            return seconds == null ? null : new Value.Dur(seconds);
          }
          return null;
        }
        case TIME: {
          if (v instanceof Value.Str s) {
            try {
              return new Value.Time(Instant.parse(s.value()));
            } catch (DateTimeParseException e) {
              return null;
            }
          }
          return null;
        }
        default:
          return null;
      }
    }
    if (type instanceof TypeExpr.SetOf set) {
      if (!(v instanceof Value.SetV given)) {
        return null;
      }
      Set<Value> out = new LinkedHashSet<>();
      for (Value element : given.elements()) {
        Value c = coerce(element, set.element());
        if (c == null) {
          return null;
        }
        out.add(c);
      }
      return new Value.SetV(out);
    }
    String entityType = ((TypeExpr.Named) type).name().value();
    if (v instanceof Value.EntityV e) {
      return e.uid().type().equals(entityType) ? v : null;
    }
    if (v instanceof Value.Str s) {
      try {
        EntityUid uid = EntityUid.parse(s.value());
        return uid.type().equals(entityType) ? new Value.EntityV(uid) : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static String typeText(TypeExpr t) {
    if (t instanceof TypeExpr.Primitive p) {
      return p.kind().text();
    }
    if (t instanceof TypeExpr.SetOf s) {
      return "Set<" + typeText(s.element()) + ">";
    }
    return ((TypeExpr.Named) t).name().value();
  }

  /** Inside the envelope: some {@code allow} covers the action and resource, and its {@code when} is true. */
  private boolean insideEnvelope(IntentDecl intent, RefEnv env) {
    for (IntentDecl.Allow allow : intent.allows()) {
      if (!coversAction(allow.actions(), env.action())) {
        continue;
      }
      if (allow.on().isPresent() && !selects(allow.on().get(), env.resource(), env.store(), false)) {
        continue;
      }
      if (allow.when().isPresent()) {
        try {
          if (!RefInterpreter.condition(allow.when().get(), env)) {
            continue;
          }
        } catch (RefInterpreter.EvalError e) {
          continue; // an error counts as outside (fail closed)
        }
      }
      return true;
    }
    return false;
  }

  // =======================================================================================
  // Matching a rule (§7.2)
  // =======================================================================================

  /** Whether a rule applies; {@code error} is set when its evaluation failed. */
  private record Application(boolean applies, EvalErrorInfo error) {
    static final Application NO = new Application(false, null);
    static final Application YES = new Application(true, null);
  }

  /**
   * Scopes first (they never fail), then the resource's {@code when}, the {@code when}s and the
   * {@code unless}es in source order, stopping at the first that decides.
   */
  private Application apply(CheckedRule rule, RefEnv env) {
    if (!scopesMatch(rule.decl(), env)) {
      return Application.NO;
    }
    for (RuleDecl.Clause clause : rule.decl().clauses()) {
      Expr condition;
      boolean unless;
      if (clause instanceof RuleDecl.ResourceClause rc && rc.when().isPresent()) {
        condition = rc.when().get();
        unless = false;
      } else if (clause instanceof RuleDecl.Condition c) {
        condition = c.expr();
        unless = c.unless();
      } else {
        continue;
      }
      boolean holds;
      try {
        holds = RefInterpreter.condition(condition, env);
      } catch (RefInterpreter.EvalError e) {
        return new Application(false, error(rule, e));
      }
      if (holds == unless) {
        return Application.NO; // a `when` that is false or an `unless` that is true
      }
    }
    return Application.YES;
  }

  private static EvalErrorInfo error(CheckedRule rule, RefInterpreter.EvalError e) {
    return new EvalErrorInfo(rule.fullName(), e.getMessage(), e.at());
  }

  private boolean scopesMatch(RuleDecl rule, RefEnv env) {
    Optional<RuleDecl.PrincipalClause> principal = rule.clause(RuleDecl.PrincipalClause.class);
    if (principal.isPresent() && !selects(principal.get().selector(), env.principal(), env.store(),
        env.delegation().depth() > 0)) {
      return false;
    }
    Optional<RuleDecl.ActionClause> action = rule.clause(RuleDecl.ActionClause.class);
    if (action.isPresent() && !coversAction(action.get().actions(), env.action())) {
      return false;
    }
    Optional<RuleDecl.ResourceClause> resource = rule.clause(RuleDecl.ResourceClause.class);
    if (resource.isPresent() && !selects(resource.get().selector(), env.resource(), env.store(), false)) {
      return false;
    }
    Optional<RuleDecl.IntentClause> intent = rule.clause(RuleDecl.IntentClause.class);
    if (intent.isPresent()) {
      if (env.intent().isEmpty()) {
        return false;
      }
      String requested = env.intent().get().name();
      if (intent.get().intents().stream().map(Name::value).noneMatch(requested::equals)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A selector matches when one of its alternatives does; a {@code delegated} alternative only
   * for an entity acting under a delegation ({@code delegated}: depth 1 or more).
   */
  private static boolean selects(Selector selector, EntityUid uid, EntityStore store, boolean delegated) {
    Entity entity = store.get(uid);
    EntityKind kind = entity == null ? null : entity.kind();
    for (Selector.Alt alt : selector.alternatives()) {
      if (alt.delegated() && !delegated) {
        continue;
      }
      boolean target;
      if (alt.target() instanceof Selector.KindTarget k) {
        target = k.kind() == KindName.ANY || (kind != null && k.kind().entityKind() == kind);
      } else if (alt.target() instanceof Selector.TypeTarget t) {
        target = uid.type().equals(t.type().value());
      } else {
        target = uid.equals(RefInterpreter.uid(((Selector.EntityTarget) alt.target()).entity()));
      }
      if (target && alt.in().isPresent()) {
        target = store.ancestorsOrSelf(uid).contains(RefInterpreter.uid(alt.in().get()));
      }
      if (target) {
        return true;
      }
    }
    return false;
  }

  /** An action item covers an action by equality, group membership (transitive) or wildcard prefix. */
  private boolean coversAction(List<Str> items, String action) {
    for (Str item : items) {
      String it = item.value();
      if (it.equals(action)) {
        return true;
      }
      if (it.endsWith("*") && action.startsWith(it.substring(0, it.length() - 1))) {
        return true;
      }
      Set<String> members = bundle.expandedGroups().get(it);
      if (members != null && members.contains(action)) {
        return true;
      }
    }
    return false;
  }

  // =======================================================================================
  // Delegation (§7.5) and approvals (§7.3)
  // =======================================================================================

  private boolean delegationLimitsHold(CheckedRule rule, AccessRequest request, RefEnv acting, Results results) {
    List<EntityUid> chain = request.delegation();
    if (chain.isEmpty()) {
      return true;
    }
    Optional<RuleDecl.DelegateClause> delegate = rule.decl().clause(RuleDecl.DelegateClause.class);
    if (delegate.isEmpty() || chain.size() > delegate.get().depth()) {
      return false;
    }
    List<EntityUid> mustBeOfKinds = new ArrayList<>();
    mustBeOfKinds.add(request.principal());
    mustBeOfKinds.addAll(chain.subList(1, chain.size()));
    for (EntityUid uid : mustBeOfKinds) {
      EntityKind kind = acting.store().get(uid).kind();
      if (delegate.get().kinds().stream().noneMatch(k -> k == KindName.ANY || (kind != null && k.entityKind() == kind))) {
        return false;
      }
    }
    // A delegate never gets what its sponsor could not get by the same rule. Gap: the members
    // are tried root first and the first that the rule does not apply to ends the check, as
    // conditions stop at the first that decides (§7.2); an error is reported for that member only.
    for (int i = 0; i < chain.size(); i++) {
      Application a = apply(rule, acting.as(chain.get(i), chain.subList(0, i)));
      if (a.error != null) {
        results.errors.add(a.error);
      }
      if (!a.applies) {
        return false;
      }
    }
    return true;
  }

  /** The approval requirements of an applying grant that the request's approvals do not meet. */
  private static List<PendingApproval> unmetApprovals(CheckedRule rule, AccessRequest request, RefEnv acting,
                                                      Results results) {
    List<PendingApproval> unmet = new ArrayList<>();
    for (RuleDecl.ApprovalClause clause : rule.decl().clauses(RuleDecl.ApprovalClause.class)) {
      boolean required = true;
      if (clause.where().isPresent()) {
        try {
          required = RefInterpreter.condition(clause.where().get(), acting);
        } catch (RefInterpreter.EvalError e) {
          results.errors.add(error(rule, e)); // §6: an error in `where` means the approval is needed
        }
      }
      if (!required) {
        continue;
      }
      EntityUid from = RefInterpreter.uid(clause.from());
      Set<EntityUid> approvers = new LinkedHashSet<>();
      for (AccessRequest.Approval approval : request.approvals()) {
        EntityUid by = approval.by();
        boolean self = by.equals(request.principal()) || request.delegation().contains(by);
        if (!self && acting.store().ancestorsOrSelf(by).contains(from)) {
          approvers.add(by);
        }
      }
      if (approvers.size() < clause.count()) {
        unmet.add(new PendingApproval(rule.fullName(), from, clause.count(), clause.count() - approvers.size()));
      }
    }
    return unmet;
  }

  // =======================================================================================
  // For the candidate-index property: which rules apply or error for the acting principal
  // =======================================================================================

  /**
   * Names of the rules (grants and forbids) whose scopes match and whose conditions hold, or
   * whose evaluation errors, for the acting principal and this action. Empty when the request
   * is bad or its intent is invalid (then no rule is evaluated at all).
   */
  public Optional<Set<String>> applicableOrErroring(AccessRequest request, EntityStore entities, String action,
                                                    DecideOptions options) {
    return applicableOrErroring(request, entities, action, options, request.delegation().size());
  }

  /**
   * The same for one principal position: {@code position} is the index of a chain member taken
   * as principal (with the chain before it), or the chain's length for the acting principal.
   */
  public Optional<Set<String>> applicableOrErroring(AccessRequest request, EntityStore entities, String action,
                                                    DecideOptions options, int position) {
    EntityStore store = entities.overlay(request.entities());
    try {
      refuseBadRequest(request, store);
    } catch (BadRequestException e) {
      return Optional.empty();
    }
    Optional<RefEnv.IntentView> intentView = Optional.empty();
    if (request.intent().isPresent()) {
      AccessRequest.IntentRef ref = request.intent().get();
      IntentDecl decl = bundle.intents().get(ref.name());
      Map<String, Value> coerced = new LinkedHashMap<>();
      if (decl == null || coerceIntentParams(decl, ref, coerced) != null) {
        return Optional.empty();
      }
      intentView = Optional.of(new RefEnv.IntentView(ref.name(), coerced));
    }
    RefEnv env = new RefEnv(store, request.principal(), request.resource(), action, request.context(), intentView,
        RefEnv.DelegationView.of(request.principal(), request.delegation()), request.durationSeconds(),
        request.time().orElse(options.defaultTime()));
    List<EntityUid> chain = request.delegation();
    if (position < chain.size()) {
      env = env.as(chain.get(position), chain.subList(0, position));
    }
    Set<String> out = new TreeSet<>();
    for (CheckedRule rule : bundle.rules()) {
      Application a = apply(rule, env);
      if (a.applies || a.error != null) {
        out.add(rule.fullName());
      }
    }
    return Optional.of(out);
  }

  // =======================================================================================
  // Output order
  // =======================================================================================

  static final Comparator<PendingApproval> PENDING_ORDER = Comparator.comparing(PendingApproval::policy)
      .thenComparing(p -> p.from().toString())
      .thenComparingLong(PendingApproval::required)
      .thenComparingLong(PendingApproval::missing);

  static final Comparator<Obligation> OBLIGATION_ORDER = Comparator.comparing(Obligation::policy)
      .thenComparing(Obligation::name)
      .thenComparing(Obligation::value, Comparator.nullsFirst(Comparator.naturalOrder()));

  static final Comparator<EvalErrorInfo> ERROR_ORDER = Comparator.comparing(EvalErrorInfo::policy)
      .thenComparing(EvalErrorInfo::at)
      .thenComparing(EvalErrorInfo::message);

  private static <T> List<T> sortedDistinct(List<T> items, Comparator<T> order) {
    TreeSet<T> set = new TreeSet<>(order);
    set.addAll(items);
    return List.copyOf(set);
  }
}
