package dev.writ.engine.eval;

import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.plan.PlanIntent;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.entity.UidTable;
import dev.writ.language.vocab.Schema;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The executable form of a {@link PlanData}: rules with compiled conditions, intents, the
 * attribute slot table, and one {@link RuleIndex} for grants and one for forbids. Immutable and
 * safe to share between threads. Built in named steps: bind attributes, compile expressions
 * (patterns are compiled once here), build the indexes.
 */
public final class EvaluationPlan {
  private final PlanData data;
  private final AttributeTable attributes;
  private final UidTable uids;
  private final CompiledRule[] rules;
  private final Map<String, CompiledIntent> intents;
  private final Map<String, CompiledRule> byName;
  private final RuleIndex grants;
  private final RuleIndex forbids;
  private final Set<String> actionGroups;
  private final Set<String> declaredActions;

  private EvaluationPlan(PlanData data, boolean fused) {
    this.data = data;
    this.attributes = new AttributeTable(attributeNames(data));
    ExprCompiler compiler = new ExprCompiler(attributes, fused);
    this.rules = new CompiledRule[data.rules().size()];
    // Presized: growing a map of 100,000 names rehashes it a dozen times.
    Map<String, CompiledRule> names = new HashMap<>((int) (data.rules().size() / 0.75f) + 1);
    for (PlanRule r : data.rules()) {
      if (r.id() != names.size()) {
        throw new IllegalStateException("internal invariant violated: rule ids must be 0..n-1 in order");
      }
      CompiledRule c = new CompiledRule(r, compiler);
      rules[r.id()] = c;
      names.put(r.name(), c);
    }
    this.byName = Collections.unmodifiableMap(names);
    Map<String, CompiledIntent> in = new HashMap<>();
    for (PlanIntent i : data.intents()) {
      in.put(i.name(), new CompiledIntent(i, compiler));
    }
    this.intents = Collections.unmodifiableMap(in);
    RuleIndex[] indexes = RuleIndex.build(Arrays.asList(rules), data.schema().actions().keySet());
    this.grants = indexes[0];
    this.forbids = indexes[1];
    this.actionGroups = Set.copyOf(data.schema().groups().keySet());
    this.declaredActions = Set.copyOf(data.schema().actions().keySet());
    this.uids = compiler.uidTable(); // last: every step above may number entities
  }

  public static EvaluationPlan of(PlanData data) {
    return new EvaluationPlan(data, true);
  }

  /** The plan with its expressions as plain trees, no fused forms: the tests' reference for those. */
  static EvaluationPlan treeForm(PlanData data) {
    return new EvaluationPlan(data, false);
  }

  private static Set<String> attributeNames(PlanData data) {
    Set<String> names = new LinkedHashSet<>();
    data.schema().entityTypes().values().forEach(t -> names.addAll(t.attributes().keySet()));
    for (PlanRule r : data.rules()) {
      r.conditions().forEach(c -> collect(c.expr(), names));
      r.approvals().forEach(a -> {
        if (a.where() != null) {
          collect(a.where(), names);
        }
      });
    }
    for (PlanIntent i : data.intents()) {
      i.allows().forEach(a -> {
        if (a.when() != null) {
          collect(a.when(), names);
        }
      });
    }
    return names;
  }

  private static void collect(PlanExpr e, Set<String> names) {
    if (e.op() == PlanExpr.Op.ATTR) {
      names.add(e.str());
    }
    e.args().forEach(a -> collect(a, names));
  }

  public PlanData data() {
    return data;
  }

  public Schema schema() {
    return data.schema();
  }

  public AttributeTable attributes() {
    return attributes;
  }

  /** The numbers of the entities this plan names, shared by its index and selectors. */
  public UidTable uids() {
    return uids;
  }

  public CompiledRule rule(int id) {
    return rules[id];
  }

  public CompiledRule rule(String name) {
    return byName.get(name);
  }

  public int ruleCount() {
    return rules.length;
  }

  public CompiledIntent intent(String name) {
    return intents.get(name);
  }

  public RuleIndex grantIndex() {
    return grants;
  }

  public RuleIndex forbidIndex() {
    return forbids;
  }

  public boolean isDeclaredAction(String action) {
    return declaredActions.contains(action);
  }

  public boolean isActionGroup(String action) {
    return actionGroups.contains(action);
  }
}
