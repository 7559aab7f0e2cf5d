package dev.writ.engine.eval;

import dev.writ.engine.decision.Obligation;
import dev.writ.engine.plan.PlanRule;

import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.EntityKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A rule ready to evaluate: matchers for its scope, compiled conditions, approvals and delegation limits. */
public final class CompiledRule {
  public final PlanRule data;
  public final int id;
  public final String name;
  public final boolean forbid;
  final SelectorMatcher principal; // null: any
  final ActionMatcher actions; // null: any
  final SelectorMatcher resource; // null: any
  // The matchers' dense forms, here so that a scope check reads the rule and two arrays.
  private final int[] principalCodes; // null: any
  private final String[] principalTypes;
  private final int[] resourceCodes; // null: any
  private final String[] resourceTypes;
  final Set<String> intents; // null: any
  // A decision reads these for every candidate rule: a rule without conditions or approvals
  // shares one empty array (always in cache, where an array of its own was a miss per
  // candidate), and which conditions are `unless` is a bit mask in the rule itself.
  final ExprNode[] conditions;
  private final long unlessMask; // bit i: condition i (i < 64) is an `unless`
  private final boolean[] unlessFrom64; // conditions 64 and later; null when there are at most 64
  final Approval[] approvals;
  /** The rule's {@code ttl} in seconds, when {@link #bounded}; read from the rule itself on every permit. */
  final long ttlSeconds;
  final boolean bounded;
  final Set<EntityKind> delegateKinds; // null: no delegation allowed
  final boolean delegateAnyKind;
  final long delegateDepth;
  /** The rule's obligations as a decision lists them: by name, then value, without duplicates. */
  final List<Obligation> obligations;

  record Approval(long count, EntityUid from, ExprNode where, PlanRule.Approval data) {}

  private static final ExprNode[] NO_CONDITIONS = new ExprNode[0];
  private static final Approval[] NO_APPROVALS = new Approval[0];

  CompiledRule(PlanRule r, ExprCompiler compiler) {
    this.data = r;
    this.id = r.id();
    this.name = r.name();
    this.forbid = r.forbid();
    this.principal = r.principal() == null ? null : new SelectorMatcher(r.principal(), compiler);
    this.actions = r.actions() == null ? null : new ActionMatcher(r.actions());
    this.resource = r.resource() == null ? null : new SelectorMatcher(r.resource(), compiler);
    this.intents = r.intents() == null ? null : Set.copyOf(r.intents());
    this.principalCodes = principal == null ? null : principal.codes;
    this.principalTypes = principal == null ? null : principal.types;
    this.resourceCodes = resource == null ? null : resource.codes;
    this.resourceTypes = resource == null ? null : resource.types;
    List<PlanRule.Condition> conds = r.conditions();
    this.conditions = conds.isEmpty() ? NO_CONDITIONS : new ExprNode[conds.size()];
    long mask = 0;
    boolean[] beyond = conds.size() > 64 ? new boolean[conds.size() - 64] : null;
    for (int i = 0; i < conds.size(); i++) {
      conditions[i] = compiler.compile(conds.get(i).expr());
      if (conds.get(i).unless()) {
        if (i < 64) {
          mask |= 1L << i;
        } else {
          beyond[i - 64] = true;
        }
      }
    }
    this.unlessMask = mask;
    this.unlessFrom64 = beyond;
    List<PlanRule.Approval> as = r.approvals();
    this.approvals = as.isEmpty() ? NO_APPROVALS : new Approval[as.size()];
    for (int i = 0; i < as.size(); i++) {
      PlanRule.Approval a = as.get(i);
      approvals[i] = new Approval(a.count(), compiler.uid(a.from()), a.where() == null ? null : compiler.compile(a.where()), a);
    }
    this.bounded = r.ttlSeconds() != null;
    this.ttlSeconds = bounded ? r.ttlSeconds() : 0;
    if (r.delegation() == null) {
      delegateKinds = null;
      delegateAnyKind = false;
      delegateDepth = 0;
    } else {
      Set<EntityKind> kinds = EnumSet.noneOf(EntityKind.class);
      r.delegation().kinds().forEach(k -> kinds.add(EntityKind.fromKeyword(k)));
      delegateKinds = kinds;
      delegateAnyKind = r.delegation().anyKind();
      delegateDepth = r.delegation().depth();
    }
    List<PlanRule.ObligationDef> defs = new ArrayList<>(r.obligations());
    defs.sort(DecisionAssembler.OBLIGATION_ORDER);
    List<Obligation> obs = new ArrayList<>(defs.size());
    for (PlanRule.ObligationDef o : defs) {
      Obligation ob = new Obligation(o.name(), o.value(), r.name());
      if (!obs.contains(ob)) {
        obs.add(ob);
      }
    }
    this.obligations = List.copyOf(obs);
  }

  // ---- scope, one clause at a time (tools: the standing-privilege inventory) ------------

  /** Whether the action clause admits {@code action} (no clause: any). */
  public boolean actionMatches(String action) {
    return actions == null || actions.matches(action);
  }

  /**
   * The positions of the principal clause's alternatives that admit {@code uid}; empty when
   * none does; null when the rule has no principal clause (any principal).
   */
  public List<Integer> principalAlternatives(dev.writ.engine.entity.EntityStore store, EntityUid uid) {
    if (principal == null) {
      return null;
    }
    dev.writ.engine.entity.EntityStore.Resolved r = store.resolve(uid);
    return principal.matching(uid, r.entity(), r.ancestors());
  }

  /** Whether the resource clause admits {@code uid} (no clause: any). */
  public boolean resourceMatches(dev.writ.engine.entity.EntityStore store, EntityUid uid) {
    if (resource == null) {
      return true;
    }
    dev.writ.engine.entity.EntityStore.Resolved r = store.resolve(uid);
    return resource.matches(uid, r.entity(), r.ancestors());
  }

  public boolean scopeMatches(EvalState s) {
    return (actions == null || actions.matches(s.action.value()))
        && (principal == null || principal.matches(s.principalUid, s.principal, s.principalNumbers, !s.chain.isEmpty()))
        && (resource == null || resource.matches(s.resourceUid, s.resource, s.resourceNumbers, true))
        && (intents == null || (s.intentName != null && intents.contains(s.intentName)));
  }

  /**
   * As {@link #scopeMatches}, for a rule the state's action reached through a {@link RuleIndex}:
   * the index files a rule only under the actions its clause admits, so that clause holds already.
   */
  boolean scopeMatchesIndexed(EvalState s) {
    return (principalCodes == null || SelectorMatcher.matches(principalCodes, principalTypes, s.principalUid, s.principal,
            s.principalNumbers, !s.chain.isEmpty()))
        && (resourceCodes == null
            || SelectorMatcher.matches(resourceCodes, resourceTypes, s.resourceUid, s.resource, s.resourceNumbers, true))
        && (intents == null || (s.intentName != null && intents.contains(s.intentName)));
  }

  /**
   * Evaluates the conditions in source order. Returns -1 when all hold, or the index of the first
   * condition that does not; throws on error.
   */
  public int firstFailing(EvalState s) throws EvalError {
    ExprNode[] cs = conditions;
    for (int i = 0; i < cs.length; i++) {
      if (cs[i].test(s) == unless(i)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether condition {@code i} is an {@code unless}. */
  boolean unless(int i) {
    return i < 64 ? (unlessMask >>> i & 1) != 0 : unlessFrom64[i - 64];
  }

  /** Whether the rule has approval clauses. */
  boolean hasApprovals() {
    return approvals.length > 0;
  }

  /**
   * Whether a request comes near this rule: it matches at least one of the rule's scope clauses
   * (principal, action or resource), or the rule constrains none of them. Fixture coverage uses it
   * to tell "did not apply to a request it was about" from "was never exercised".
   */
  public boolean relevantTo(dev.writ.engine.entity.EntityStore store, EntityUid principal, String action,
                            EntityUid resource) {
    if (this.principal == null && actions == null && this.resource == null) {
      return true;
    }
    boolean p = this.principal != null
        && this.principal.matches(principal, store.get(principal), store.ancestorsOrSelf(principal));
    boolean a = actions != null && actions.matches(action);
    boolean r = this.resource != null
        && this.resource.matches(resource, store.get(resource), store.ancestorsOrSelf(resource));
    return p || a || r;
  }

  /**
   * Whether approval clause {@code i} is required: it has no {@code where}, or its {@code where}
   * holds, or evaluating it errors (an approval that cannot be ruled out is needed).
   */
  public boolean approvalRequired(int i, EvalState s, java.util.function.Consumer<EvalError> onError) {
    ExprNode where = approvals[i].where();
    if (where == null) {
      return true;
    }
    try {
      return where.test(s);
    } catch (EvalError e) {
      onError.accept(e);
      return true;
    }
  }

  /** The entity whose members may give approval {@code i} (parsed once, when the plan was built). */
  public EntityUid approvalFrom(int i) {
    return approvals[i].from();
  }

  public boolean delegationKindAllowed(EntityKind kind) {
    return delegateAnyKind || (delegateKinds != null && kind != null && delegateKinds.contains(kind));
  }
}
