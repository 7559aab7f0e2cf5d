package dev.writ.engine.eval;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.language.vocab.EntityKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the rules that could apply to a request without looking at the others. Each rule is
 * filed under keys such that any request it applies to reaches it through at least one of them:
 *
 * <ul>
 *   <li>action: the concrete name, a wildcard prefix, or "any" (an action level);</li>
 *   <li>principal and resource, per selector alternative: the entity itself; the entity named
 *       in {@code in} (reached through the request entity's ancestor set); the type; the kind;
 *       or "any".</li>
 * </ul>
 *
 * <p>INVARIANT: candidates are a superset of the rules whose scope matches (the evaluator still
 * checks every scope clause), so the index can never make a decision different from a full scan.
 * The cost of a lookup depends on the number of keys a request has (its ancestors) and on the
 * rules that share them, not on the size of the bundle.
 *
 * <p>Layout (one {@link Tables} for a plan's grant and forbid index together, all flat arrays):
 * a key is an int, its kind in the low three bits ({@link #ANY} ... {@link #IN}) and the entity
 * number, type number or kind ordinal above them. A (level, principal key) pair, packed into a
 * long, finds a principal node; a node's resource keys are contiguous leaves, and a leaf is a
 * contiguous run of rule ids in one {@code int[]}. The principal half depends only on the
 * principal, so it is memoised on the principal's {@link UidTable.Numbers} per action (both
 * indexes in one probe sequence), flattened to (resource key, first id, end) triples: a warm
 * decision reads that one array and tests each triple against the resource's numbers, which the
 * decision holds already, touching the rule ids of the leaves that match and nothing else. A node
 * with many entity or {@code in} resource keys keeps those in a hash table ({@link #BIG}), probed
 * by the resource's own keys, so that a memo never copies a large level.
 */
public final class RuleIndex {
  // Key kinds (low three bits of a key). BIG only in a memo's triples: probe that node's table.
  static final int ANY = 0;
  static final int KIND = 1;
  static final int TYPE = 2;
  static final int EQ = 3;
  static final int IN = 4;
  static final int BIG = 5;
  /** A node with more entity and {@code in} resource keys than this is probed, not copied into memos. */
  static final int SMALL = 8;
  private static final int GRANT = 0;
  private static final int FORBID = 1;
  private static final int[] NONE = new int[0];
  private static final EntityKind[] KINDS = EntityKind.values();

  private final Tables tables;
  private final int side;

  private RuleIndex(Tables tables, int side) {
    this.tables = tables;
    this.side = side;
  }

  /**
   * The grant index and the forbid index of a plan, built together (they share their tables and
   * the principal memo entries).
   *
   * @param rules   the plan's rules in id order (a rule goes to the index of its kind)
   * @param actions concrete action names known when the plan is built (the schema's): their
   *                action levels are resolved now rather than on the first request
   */
  static RuleIndex[] build(List<CompiledRule> rules, Collection<String> actions) {
    Tables t = new Tables(rules, actions);
    return new RuleIndex[] {new RuleIndex(t, GRANT), new RuleIndex(t, FORBID)};
  }

  /** The action levels of one action name, per side: resolved once per plan and action. */
  static final class ActionLevels {
    final int[][] levels; // [side] -> level ids
    // False for one made for one lookup (past the cache's bound): not a memo key, it would evict the others.
    final boolean memoKey;

    ActionLevels(int[] grant, int[] forbid, boolean memoKey) {
      this.levels = new int[][] {grant, forbid};
      this.memoKey = memoKey;
    }
  }

  /** A growable int array, for building. */
  private static final class Ints {
    int[] a = new int[16];
    int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    void add(int x, int y, int z) {
      if (n + 3 > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + 3));
      }
      a[n] = x;
      a[n + 1] = y;
      a[n + 2] = z;
      n += 3;
    }

    int[] toArray() {
      return n == 0 ? NONE : Arrays.copyOf(a, n);
    }
  }

  static final class Tables {
    // Action levels: an exact name, a wildcard prefix or "any", per side; -1 when none.
    private final Map<String, int[]> exactLevels = new HashMap<>();
    private final String[] prefixes;
    private final int[][] prefixLevels;
    private final int[] anyLevel = {-1, -1};
    private int levelCount;
    private final Map<String, ActionLevels> known = new HashMap<>();
    // Actions no rule names and the schema does not declare (a lax schema): resolved on first use.
    private final Map<String, ActionLevels> others = new ConcurrentHashMap<>();
    private static final int OTHERS_LIMIT = 1024;

    private final Map<String, Integer> typeNumbers = new HashMap<>();
    private final String[] types; // by type number, interned
    private final int[] ruleCount = new int[2];

    private final LongIntMap nodes; // (level << 32 | principal key) -> node
    private final int[] nodeFirstLeaf; // node n's leaves: nodeFirstLeaf[n] .. nodeFirstLeaf[n + 1]
    private final boolean[] big;
    private final int[] leafKey; // by leaf: the resource key
    private final int[] leafStart; // leaf l's rule ids: ids[leafStart[l]] .. ids[leafStart[l + 1]]
    private final int[] ids;
    private final LongIntMap bigLeaves; // (node << 32 | resource key) -> leaf, for the entity and in keys of big nodes

    Tables(List<CompiledRule> rules, Collection<String> actions) {
      TreeMap<String, int[]> byPrefix = new TreeMap<>();
      LongIntMap nodeMap = new LongIntMap(Math.max(16, rules.size()));
      LongIntMap leafMap = new LongIntMap(Math.max(16, rules.size()));
      Ints leafNode = new Ints();
      Ints leafCode = new Ints();
      Ints leafLast = new Ints();
      Ints leafCount = new Ints();
      Ints recordLeaf = new Ints();
      Ints recordRule = new Ints();
      List<String> typeList = new ArrayList<>();
      Ints levels = new Ints();
      Ints principalKeys = new Ints();
      Ints resourceKeys = new Ints();
      int nodeCount = 0;
      for (CompiledRule r : rules) {
        int side = r.forbid ? FORBID : GRANT;
        ruleCount[side]++;
        levels.n = 0;
        actionLevels(r, side, byPrefix, levels);
        keys(r.data.principal(), r.principal, typeList, principalKeys);
        keys(r.data.resource(), r.resource, typeList, resourceKeys);
        for (int li = 0; li < levels.n; li++) {
          long level = (long) levels.a[li] << 32;
          for (int pi = 0; pi < principalKeys.n; pi++) {
            int node = nodeMap.putIfAbsent(level | principalKeys.a[pi], nodeCount);
            if (node == nodeCount) {
              nodeCount++;
            }
            long nodeKey = (long) node << 32;
            for (int ri = 0; ri < resourceKeys.n; ri++) {
              int leaves = leafNode.n;
              int leaf = leafMap.putIfAbsent(nodeKey | resourceKeys.a[ri], leaves);
              if (leaf == leaves) {
                leafNode.add(node);
                leafCode.add(resourceKeys.a[ri]);
                leafLast.add(-1);
                leafCount.add(0);
              }
              // Rules come in id order, so a rule that reaches a leaf twice is its last record.
              if (leafLast.a[leaf] != r.id) {
                leafLast.a[leaf] = r.id;
                leafCount.a[leaf]++;
                recordLeaf.add(leaf);
                recordRule.add(r.id);
              }
            }
          }
        }
      }
      this.nodes = nodeMap;
      this.types = typeList.toArray(String[]::new);
      this.prefixes = byPrefix.keySet().toArray(String[]::new);
      this.prefixLevels = byPrefix.values().toArray(int[][]::new);

      // Leaves ordered by node (counting sort), so that a node's leaves are one contiguous range.
      int leafTotal = leafNode.n;
      int[] firstLeaf = new int[nodeCount + 1];
      for (int l = 0; l < leafTotal; l++) {
        firstLeaf[leafNode.a[l] + 1]++;
      }
      for (int n = 0; n < nodeCount; n++) {
        firstLeaf[n + 1] += firstLeaf[n];
      }
      int[] position = new int[leafTotal]; // old leaf -> new leaf
      int[] next = Arrays.copyOf(firstLeaf, nodeCount);
      for (int l = 0; l < leafTotal; l++) {
        position[l] = next[leafNode.a[l]]++;
      }
      this.nodeFirstLeaf = firstLeaf;
      this.leafKey = new int[leafTotal];
      this.leafStart = new int[leafTotal + 1];
      for (int l = 0; l < leafTotal; l++) {
        leafKey[position[l]] = leafCode.a[l];
        leafStart[position[l] + 1] = leafCount.a[l];
      }
      for (int l = 0; l < leafTotal; l++) {
        leafStart[l + 1] += leafStart[l];
      }
      // Records are in rule id order, so each leaf's ids come out sorted and distinct.
      this.ids = new int[recordLeaf.n];
      int[] fill = Arrays.copyOf(leafStart, leafTotal);
      for (int i = 0; i < recordLeaf.n; i++) {
        ids[fill[position[recordLeaf.a[i]]]++] = recordRule.a[i];
      }

      this.big = new boolean[nodeCount];
      LongIntMap bigMap = null;
      for (int n = 0; n < nodeCount; n++) {
        int entities = 0;
        for (int l = firstLeaf[n]; l < firstLeaf[n + 1]; l++) {
          entities += isEntityKey(leafKey[l]) ? 1 : 0;
        }
        if (entities > SMALL) {
          big[n] = true;
          if (bigMap == null) {
            bigMap = new LongIntMap(64);
          }
          for (int l = firstLeaf[n]; l < firstLeaf[n + 1]; l++) {
            if (isEntityKey(leafKey[l])) {
              bigMap.putIfAbsent((long) n << 32 | leafKey[l], l);
            }
          }
        }
      }
      this.bigLeaves = bigMap;

      for (Map.Entry<String, int[]> e : exactLevels.entrySet()) {
        known.put(e.getKey(), resolve(e.getKey(), true));
      }
      for (String a : actions) {
        known.computeIfAbsent(a, k -> resolve(k, true));
      }
    }

    private static boolean isEntityKey(int key) {
      int kind = key & 7;
      return kind == EQ || kind == IN;
    }

    private int newLevel(int[] sides, int side) {
      if (sides[side] < 0) {
        sides[side] = levelCount++;
      }
      return sides[side];
    }

    private void actionLevels(CompiledRule r, int side, TreeMap<String, int[]> byPrefix, Ints out) {
      if (r.data.actions() == null) {
        out.add(newLevel(anyLevel, side));
        return;
      }
      for (String a : r.data.actions()) {
        if (a.equals("*")) {
          out.add(newLevel(anyLevel, side));
        } else if (a.endsWith("*")) {
          out.add(newLevel(byPrefix.computeIfAbsent(a.substring(0, a.length() - 1), k -> new int[] {-1, -1}), side));
        } else {
          out.add(newLevel(exactLevels.computeIfAbsent(a, k -> new int[] {-1, -1}), side));
        }
      }
    }

    private int typeNumber(String type, List<String> typeList) {
      Integer n = typeNumbers.get(type);
      if (n == null) {
        n = typeList.size();
        typeList.add(type);
        typeNumbers.put(type, n);
      }
      return n;
    }

    /**
     * The most selective key of each alternative; {@link #ANY} when there is no clause or it is
     * {@code any}. The entity numbers are the matcher's (the same selector, compiled once).
     */
    private void keys(List<PlanSelector> selector, SelectorMatcher matcher, List<String> typeList, Ints out) {
      out.n = 0;
      if (selector == null) {
        out.add(ANY);
        return;
      }
      for (int i = 0; i < selector.size(); i++) {
        PlanSelector s = selector.get(i);
        int[] codes = matcher.codes;
        int at = i * SelectorMatcher.WIDTH;
        if (s.target() == PlanSelector.Target.ENTITY) {
          out.add(key(EQ, codes[at + 1]));
        } else if (s.in() != null) {
          out.add(key(IN, codes[at + 2]));
        } else if (s.target() == PlanSelector.Target.TYPE) {
          out.add(key(TYPE, typeNumber(matcher.types[i], typeList))); // interned: a hit compares by identity
        } else if (s.target() == PlanSelector.Target.KIND) {
          EntityKind kind = EntityKind.fromKeyword(s.value());
          if (kind == null) {
            throw new IllegalStateException("internal invariant violated: unknown kind `" + s.value() + "`");
          }
          out.add(key(KIND, kind.ordinal()));
        } else {
          out.add(ANY);
        }
      }
    }

    private static int key(int kind, int value) {
      if (value < 0 || value >= 1 << 28) {
        throw new IllegalStateException("internal invariant violated: index key out of range " + value);
      }
      return value << 3 | kind;
    }

    /** The action levels {@code action} reaches: its exact level, the prefixes it starts with, and "any". */
    private ActionLevels resolve(String action, boolean memoKey) {
      int[] exact = exactLevels.get(action);
      Ints[] out = {new Ints(), new Ints()};
      for (int side = 0; side < 2; side++) {
        if (exact != null && exact[side] >= 0) {
          out[side].add(exact[side]);
        }
        for (int p = 0; p < prefixes.length; p++) {
          if (action.startsWith(prefixes[p]) && prefixLevels[p][side] >= 0) {
            out[side].add(prefixLevels[p][side]);
          }
        }
        if (anyLevel[side] >= 0) {
          out[side].add(anyLevel[side]);
        }
      }
      return new ActionLevels(out[GRANT].toArray(), out[FORBID].toArray(), memoKey);
    }

    ActionLevels levels(String action) {
      ActionLevels a = known.get(action);
      if (a != null) {
        return a;
      }
      a = others.get(action);
      if (a == null) {
        if (others.size() < OTHERS_LIMIT) {
          a = resolve(action, true);
          // Bounded: a lax schema's caller may name any action. The cached instance is the memo's key.
          ActionLevels first = others.putIfAbsent(action, a);
          return first == null ? a : first;
        }
        a = resolve(action, false);
      }
      return a;
    }

    /**
     * The triples (resource key, first id, end) of the leaves of every node {@code numbers}
     * reaches under {@code levels}: by itself, its ancestors, its type, its kind and "any". A big
     * node gives its type, kind and "any" leaves and one {@link #BIG} triple for the rest.
     */
    int[] reach(int[] levels, UidTable.Numbers numbers, String type, Entity entity) {
      if (levels.length == 0) {
        return NONE;
      }
      Ints out = new Ints();
      Integer typeNumber = typeNumbers.get(type);
      EntityKind kind = entity == null ? null : entity.kind();
      int[] ancestors = numbers.ancestors();
      for (int level : levels) {
        long l = (long) level << 32;
        if (numbers.self >= 0) {
          emit(nodes.get(l | key(EQ, numbers.self)), out);
        }
        for (int a : ancestors) {
          emit(nodes.get(l | key(IN, a)), out);
        }
        if (typeNumber != null) {
          emit(nodes.get(l | key(TYPE, typeNumber)), out);
        }
        if (kind != null) {
          emit(nodes.get(l | key(KIND, kind.ordinal())), out);
        }
        emit(nodes.get(l | ANY), out);
      }
      return out.toArray();
    }

    private void emit(int node, Ints out) {
      if (node < 0) {
        return;
      }
      boolean probed = big[node];
      if (probed) {
        out.add(node << 3 | BIG, 0, 0);
      }
      for (int l = nodeFirstLeaf[node]; l < nodeFirstLeaf[node + 1]; l++) {
        if (!probed || !isEntityKey(leafKey[l])) {
          out.add(leafKey[l], leafStart[l], leafStart[l + 1]);
        }
      }
    }

    /** Adds the ids of the triples whose resource key the state's resource has. */
    void collect(int[] triples, EvalState s, Candidates out) {
      UidTable.Numbers numbers = s.resourceNumbers;
      for (int i = 0; i < triples.length; i += 3) {
        int key = triples[i];
        int value = key >>> 3;
        boolean hit;
        switch (key & 7) {
          case ANY:
            hit = true;
            break;
          case KIND:
            hit = s.resource != null && s.resource.kind() == KINDS[value];
            break;
          case TYPE:
            String type = s.resourceUid.type();
            hit = types[value] == type || types[value].equals(type);
            break;
          case EQ:
            hit = numbers.self == value;
            break;
          case IN:
            hit = numbers.within(value);
            break;
          default:
            probeBig(value, numbers, out);
            hit = false;
            break;
        }
        if (hit) {
          out.add(ids, triples[i + 1], triples[i + 2]);
        }
      }
    }

    private void probeBig(int node, UidTable.Numbers numbers, Candidates out) {
      long n = (long) node << 32;
      if (numbers.self >= 0) {
        addLeaf(bigLeaves.get(n | key(EQ, numbers.self)), out);
      }
      for (int a : numbers.ancestors()) {
        addLeaf(bigLeaves.get(n | key(IN, a)), out);
      }
    }

    private void addLeaf(int leaf, Candidates out) {
      if (leaf >= 0) {
        out.add(ids, leafStart[leaf], leafStart[leaf + 1]);
      }
    }

    /** Both sides' triples for the principal of {@code s} under {@code a}, from the memo or found now. */
    Object[] reached(ActionLevels a, EvalState s) {
      UidTable.Numbers numbers = s.principalNumbers;
      String type = s.principalUid.type();
      Object memo = numbers.indexMemo();
      PrincipalMemo m = memo instanceof PrincipalMemo ? (PrincipalMemo) memo : null;
      if (m != null && (m.type == type || m.type.equals(type))) {
        Object[] hit = m.get(a);
        if (hit != null) {
          return hit;
        }
      }
      // One probe sequence for both indexes: the forbid half is needed by every decision anyway.
      Object[] both = {reach(a.levels[GRANT], numbers, type, s.principal), reach(a.levels[FORBID], numbers, type, s.principal)};
      if (a.memoKey) {
        numbers.indexMemo(PrincipalMemo.with(m, type, a, both));
      }
      return both;
    }
  }

  /** A growable list of rule ids, reused by one decision. */
  public static final class Candidates {
    int[] ids = new int[16];
    int size;
    private int runs; // how many leaves were added: one leaf is sorted and distinct already

    void add(int[] from, int start, int end) {
      int length = end - start;
      if (length == 0) {
        return;
      }
      if (size + length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + length));
      }
      System.arraycopy(from, start, ids, size, length);
      size += length;
      runs++;
    }

    /** Sorts and removes duplicates; returns the count. */
    int finish() {
      if (runs > 1) {
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
      runs = 0;
    }
  }

  /**
   * What one principal reaches in a plan's indexes, memoised on the principal's
   * {@link UidTable.Numbers} (so once per entity and plan): per action, the grant and the forbid
   * triples ({@link Tables#reached}). Keyed by the action's {@link ActionLevels} identity (one per
   * plan and action name). Immutable; at most {@link #LIMIT} actions per entity (the oldest is
   * dropped first), so the memory it adds is bounded per entity whatever the requests.
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

  /** Adds the candidates for one action with the state's principal and resource, sorted, without duplicates. */
  public void candidates(String action, EvalState s, Candidates out) {
    out.clear();
    if (tables.ruleCount[side] == 0) {
      return;
    }
    ActionLevels a = tables.levels(action);
    if (a.levels[side].length == 0) {
      return;
    }
    tables.collect((int[]) tables.reached(a, s)[side], s, out);
    out.finish();
  }

  /**
   * {@link #candidates} without the principal memo: the principal's nodes probed for this
   * request. The memo's reference; {@code PrincipalMemoProperties} checks both agree.
   */
  void candidatesByProbing(String action, EvalState s, Candidates out) {
    out.clear();
    if (tables.ruleCount[side] == 0) {
      return;
    }
    int[] levels = tables.levels(action).levels[side];
    tables.collect(tables.reach(levels, s.principalNumbers, s.principalUid.type(), s.principal), s, out);
    out.finish();
  }

  /** How many principal nodes keep their entity and {@code in} resource keys in a hash table (tests). */
  int bigNodes() {
    int n = 0;
    for (boolean b : tables.big) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
