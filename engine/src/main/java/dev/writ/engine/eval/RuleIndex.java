package dev.writ.engine.eval;

import dev.writ.engine.plan.PlanSelector;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.UidTable;
import dev.writ.language.vocab.EntityKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the rules that could apply to a request without looking at the others: a three-level
 * map, by action, then principal, then resource. Each rule is filed under keys such that any
 * request it applies to reaches it through at least one of them:
 *
 * <ul>
 *   <li>action: the concrete name, a wildcard prefix, or "any";</li>
 *   <li>principal and resource, per selector alternative: the entity itself; the entity named
 *       in {@code in} (reached through the request entity's ancestor set); the type; the kind;
 *       or "any".</li>
 * </ul>
 *
 * <p>INVARIANT: candidates are a superset of the rules whose scope matches (the evaluator still
 * checks every scope clause), so the index can never make a decision different from a full scan.
 * The cost of a lookup depends on the number of keys a request has (its ancestors) and on the
 * rules that share them, not on the size of the bundle.
 */
public final class RuleIndex {
  private static final int[] EMPTY = new int[0];

  /**
   * One dimension's map from keys to the next level. The maps are created only when a rule needs
   * them: most levels use one kind of key, and an empty map still costs a table and a probe.
   */
  static final class Level<N> {
    IntMap<N> eq; // by the entity's number in the plan's uid table
    IntMap<N> in; // by the number of the entity named in `in`
    Map<String, N> type;
    Map<EntityKind, N> kind;
    N any;

    interface Visitor<N> {
      void visit(N n);
    }

    void visit(UidTable.Numbers numbers, String type, Entity entity, Visitor<N> v) {
      if (eq != null && numbers.self >= 0) {
        N n = eq.get(numbers.self);
        if (n != null) {
          v.visit(n);
        }
      }
      if (in != null) {
        // Iterate the smaller side: usually the ancestors, but a level may name few entities.
        int[] ancestors = numbers.ancestors();
        if (ancestors.length <= in.size()) {
          for (int a : ancestors) {
            N n = in.get(a);
            if (n != null) {
              v.visit(n);
            }
          }
        } else {
          for (int i = 0; i < in.capacity(); i++) {
            int k = in.keyAt(i);
            if (k >= 0 && numbers.within(k)) {
              v.visit(in.valueAt(i));
            }
          }
        }
      }
      if (this.type != null) {
        N n = this.type.get(type);
        if (n != null) {
          v.visit(n);
        }
      }
      if (kind != null && entity != null && entity.kind() != null) {
        N n = kind.get(entity.kind());
        if (n != null) {
          v.visit(n);
        }
      }
      if (any != null) {
        v.visit(any);
      }
    }
  }

  /** Leaves collect rule ids while building, then freeze into sorted arrays. */
  static final class Leaf {
    int[] ids = new int[2]; // while building: the first `count` entries, in the order added
    int count;

    void add(int id) {
      // Rules are added in id order, so a rule that reaches a leaf twice is its last entry.
      if (count > 0 && ids[count - 1] == id) {
        return;
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
      }
      ids[count++] = id;
    }

    void freeze() {
      int[] out = Arrays.copyOf(ids, count);
      Arrays.sort(out);
      int n = 0;
      for (int i = 0; i < out.length; i++) {
        if (n == 0 || out[n - 1] != out[i]) {
          out[n++] = out[i];
        }
      }
      ids = n == 0 ? EMPTY : (n == out.length ? out : Arrays.copyOf(out, n));
    }
  }

  private final Map<String, Level<Level<Leaf>>> byAction = new HashMap<>();
  private final TreeMap<String, Level<Level<Leaf>>> byPrefix = new TreeMap<>();
  private String[] prefixes = new String[0];
  private Level<Level<Leaf>>[] prefixLevels;
  private Level<Level<Leaf>> anyAction;
  private final List<Leaf> leaves = new ArrayList<>();
  private final int ruleCount;

  RuleIndex(List<CompiledRule> rules, ExprCompiler uids) {
    for (CompiledRule r : rules) {
      for (Level<Level<Leaf>> actionLevel : actionLevels(r)) {
        for (Key pk : keys(r.data.principal(), uids)) {
          Level<Leaf> resourceLevel = child(actionLevel, pk, Level::new);
          for (Key rk : keys(r.data.resource(), uids)) {
            Leaf leaf = child(resourceLevel, rk, () -> {
              Leaf l = new Leaf();
              leaves.add(l);
              return l;
            });
            leaf.add(r.id);
          }
        }
      }
    }
    for (Leaf l : leaves) {
      l.freeze();
    }
    prefixes = byPrefix.keySet().toArray(String[]::new);
    @SuppressWarnings("unchecked")
    Level<Level<Leaf>>[] levels = byPrefix.values().toArray(Level[]::new);
    prefixLevels = levels;
    ruleCount = rules.size();
  }

  private List<Level<Level<Leaf>>> actionLevels(CompiledRule r) {
    List<Level<Level<Leaf>>> out = new ArrayList<>();
    if (r.data.actions() == null) {
      out.add(anyAction());
      return out;
    }
    for (String a : r.data.actions()) {
      if (a.equals("*")) {
        out.add(anyAction());
      } else if (a.endsWith("*")) {
        out.add(byPrefix.computeIfAbsent(a.substring(0, a.length() - 1), k -> new Level<>()));
      } else {
        out.add(byAction.computeIfAbsent(a, k -> new Level<>()));
      }
    }
    return out;
  }

  private Level<Level<Leaf>> anyAction() {
    if (anyAction == null) {
      anyAction = new Level<>();
    }
    return anyAction;
  }

  private record Key(PlanSelector.Target target, String value, int uid) {}

  /** The most selective key of each alternative; null (the any branch) when there is no clause or it is {@code any}. */
  private static List<Key> keys(List<PlanSelector> selector, ExprCompiler uids) {
    List<Key> out = new ArrayList<>();
    if (selector == null) {
      out.add(null);
      return out;
    }
    for (PlanSelector s : selector) {
      if (s.target() == PlanSelector.Target.ENTITY) {
        out.add(new Key(s.target(), null, uids.number(uids.uid(s.value()))));
      } else if (s.in() != null) {
        out.add(new Key(null, "in", uids.number(uids.uid(s.in()))));
      } else if (s.target() == PlanSelector.Target.TYPE) {
        out.add(new Key(s.target(), s.value(), -1));
      } else if (s.target() == PlanSelector.Target.KIND) {
        out.add(new Key(s.target(), s.value(), -1));
      } else {
        out.add(null); // any
      }
    }
    return out;
  }

  private static <N> N child(Level<N> level, Key key, java.util.function.Supplier<N> make) {
    if (key == null) {
      if (level.any == null) {
        level.any = make.get();
      }
      return level.any;
    }
    if (key.target() == PlanSelector.Target.ENTITY) {
      if (level.eq == null) {
        level.eq = new IntMap<>(1);
      }
      return level.eq.computeIfAbsent(key.uid(), make);
    }
    if (key.target() == null) {
      if (level.in == null) {
        level.in = new IntMap<>(1);
      }
      return level.in.computeIfAbsent(key.uid(), make);
    }
    if (key.target() == PlanSelector.Target.TYPE) {
      if (level.type == null) {
        level.type = new HashMap<>(4);
      }
      return level.type.computeIfAbsent(key.value().intern(), k -> make.get()); // interned: a hit compares by identity
    }
    if (level.kind == null) {
      level.kind = new EnumMap<>(EntityKind.class);
    }
    return level.kind.computeIfAbsent(EntityKind.fromKeyword(key.value()), k -> make.get());
  }

  /** A growable list of rule ids, reused by one decision. */
  public static final class Candidates {
    int[] ids = new int[16];
    int size;
    // The visitors are fields, not lambdas made per lookup: a lookup allocates nothing.
    EvalState state;
    final Level.Visitor<Leaf> leafVisitor = leaf -> add(leaf.ids);
    final Level.Visitor<Level<Leaf>> principalVisitor =
        level -> level.visit(state.resourceNumbers, state.resourceUid.type(), state.resource, leafVisitor);

    void add(int[] more) {
      if (size + more.length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + more.length));
      }
      System.arraycopy(more, 0, ids, size, more.length);
      size += more.length;
    }

    /** Sorts and removes duplicates; returns the count. */
    int finish() {
      if (size > 1) {
        Arrays.sort(ids, 0, size);
        int w = 1;
        for (int r = 1; r < size; r++) {
          if (ids[r] != ids[w - 1]) {
            ids[w++] = ids[r];
          }
        }
        size = w;
      }
      return size;
    }

    public int size() {
      return size;
    }

    public int get(int i) {
      return ids[i];
    }

    public void clear() {
      size = 0;
    }
  }

  /**
   * The principal-level nodes one principal reaches under some action levels, memoised on the
   * principal's {@link UidTable.Numbers} (so once per entity and plan): a decision reads the list
   * instead of probing the level once per ancestor, by type, by kind and for "any". Keyed by the
   * action level's identity, so the grant and the forbid index share one memo without mixing.
   * Immutable; at most {@link #LIMIT} action levels per entity (the oldest is dropped first), so
   * the memory it adds is bounded per entity whatever the requests.
   */
  static final class PrincipalMemo {
    static final int LIMIT = 16;
    final String type; // the principal's type the nodes were found with
    final Object[] actionLevels;
    final Object[][] reached;

    private PrincipalMemo(String type, Object[] actionLevels, Object[][] reached) {
      this.type = type;
      this.actionLevels = actionLevels;
      this.reached = reached;
    }

    Object[] get(Object actionLevel) {
      Object[] levels = actionLevels;
      for (int i = 0; i < levels.length; i++) {
        if (levels[i] == actionLevel) {
          return reached[i];
        }
      }
      return null;
    }

    static PrincipalMemo with(PrincipalMemo m, String type, Object actionLevel, Object[] nodes) {
      if (m == null || !m.type.equals(type)) {
        return new PrincipalMemo(type, new Object[] {actionLevel}, new Object[][] {nodes});
      }
      int keep = Math.min(m.actionLevels.length, LIMIT - 1);
      int from = m.actionLevels.length - keep;
      Object[] levels = new Object[keep + 1];
      Object[][] reached = new Object[keep + 1][];
      System.arraycopy(m.actionLevels, from, levels, 0, keep);
      System.arraycopy(m.reached, from, reached, 0, keep);
      levels[keep] = actionLevel;
      reached[keep] = nodes;
      return new PrincipalMemo(type, levels, reached);
    }
  }

  /** The principal-level nodes {@code s}'s principal reaches under {@code actionLevel}, from the memo or found now. */
  private static Object[] reached(Level<Level<Leaf>> actionLevel, EvalState s) {
    UidTable.Numbers numbers = s.principalNumbers;
    String type = s.principalUid.type();
    Object memo = numbers.indexMemo();
    PrincipalMemo m = memo instanceof PrincipalMemo ? (PrincipalMemo) memo : null;
    if (m != null && (m.type == type || m.type.equals(type))) {
      Object[] hit = m.get(actionLevel);
      if (hit != null) {
        return hit;
      }
    }
    List<Object> found = new ArrayList<>(4);
    actionLevel.visit(numbers, type, s.principal, found::add);
    Object[] nodes = found.toArray();
    numbers.indexMemo(PrincipalMemo.with(m, type, actionLevel, nodes));
    return nodes;
  }

  @SuppressWarnings("unchecked") // reached() holds only principal-level nodes of a Level<Level<Leaf>>
  private static void visitReached(Level<Level<Leaf>> actionLevel, EvalState s, Candidates out) {
    for (Object node : reached(actionLevel, s)) {
      out.principalVisitor.visit((Level<Leaf>) node);
    }
  }

  /** Adds the candidates for one action with the state's principal and resource, sorted, without duplicates. */
  public void candidates(String action, EvalState s, Candidates out) {
    out.clear();
    if (ruleCount == 0) {
      return;
    }
    out.state = s;
    Level<Level<Leaf>> exact = byAction.get(action);
    if (exact != null) {
      visitReached(exact, s, out);
    }
    for (int i = 0; i < prefixes.length; i++) {
      if (action.startsWith(prefixes[i])) {
        visitReached(prefixLevels[i], s, out);
      }
    }
    if (anyAction != null) {
      visitReached(anyAction, s, out);
    }
    out.state = null; // the buffer outlives the decision: keep nothing of it
    out.finish();
  }

  /**
   * {@link #candidates} without the principal memo: every principal level probed for this
   * request. The memo's reference; {@code PrincipalMemoProperties} checks both agree.
   */
  void candidatesByProbing(String action, EvalState s, Candidates out) {
    out.clear();
    if (ruleCount == 0) {
      return;
    }
    out.state = s;
    UidTable.Numbers principal = s.principalNumbers;
    String type = s.principalUid.type();
    Level.Visitor<Level<Leaf>> principalVisitor = out.principalVisitor;
    Level<Level<Leaf>> exact = byAction.get(action);
    if (exact != null) {
      exact.visit(principal, type, s.principal, principalVisitor);
    }
    for (int i = 0; i < prefixes.length; i++) {
      if (action.startsWith(prefixes[i])) {
        prefixLevels[i].visit(principal, type, s.principal, principalVisitor);
      }
    }
    if (anyAction != null) {
      anyAction.visit(principal, type, s.principal, principalVisitor);
    }
    out.state = null;
    out.finish();
  }
}
