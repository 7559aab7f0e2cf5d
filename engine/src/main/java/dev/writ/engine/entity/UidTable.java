package dev.writ.engine.entity;

import dev.writ.engine.value.EntityUid;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Numbers the entities a plan names (in selectors, index keys, approvals and literals), so that
 * the decision path compares ints instead of hashing uids: a request entity's ancestors become a
 * sorted int array of these numbers ({@link Numbers}), which a store computes once per entity and
 * plan ({@link EntityStore.Resolved#numbers}), and the rule index and the selectors key on the same
 * numbers. Entities the plan never names get no number: no rule can refer to them.
 */
public final class UidTable {
  private final Map<EntityUid, Integer> numbers;

  private UidTable(Map<EntityUid, Integer> numbers) {
    this.numbers = numbers;
  }

  /** Collects the numbers while a plan is compiled. Not thread-safe; {@link #build()} once. */
  public static final class Builder {
    private final Map<EntityUid, Integer> numbers = new HashMap<>();

    /** The number of {@code uid}, given it now if it has none. */
    public int add(EntityUid uid) {
      Integer n = numbers.get(uid);
      if (n == null) {
        n = numbers.size();
        numbers.put(uid, n);
      }
      return n;
    }

    public UidTable build() {
      return new UidTable(Map.copyOf(numbers));
    }
  }

  /** The number of {@code uid}, or -1 when the plan does not name it. */
  public int number(EntityUid uid) {
    Integer n = numbers.get(uid);
    return n == null ? -1 : n;
  }

  public int size() {
    return numbers.size();
  }

  /**
   * An entity in this table's numbers: its own number (-1 when not named) and the sorted numbers
   * of the named entities among its ancestors-or-self.
   */
  public static final class Numbers {
    final UidTable table;
    public final int self;
    private final int[] ancestors;

    // What a plan's rule index derived from this entity alone (the leaves it reaches as a
    // principal, per action): kept here so it is computed once per entity and plan, and
    // dropped exactly when these numbers are (a new plan, a new store). Racy but idempotent: the
    // index replaces it whole with an immutable value.
    private volatile Object indexMemo;

    Numbers(UidTable table, int self, int[] ancestors) {
      this.table = table;
      this.self = self;
      this.ancestors = ancestors;
    }

    /** Whether the entity numbered {@code n} is this one or one of its ancestors. */
    public boolean within(int n) {
      int[] a = ancestors;
      if (a.length <= 8) {
        for (int x : a) {
          if (x == n) {
            return true;
          }
        }
        return false;
      }
      return Arrays.binarySearch(a, n) >= 0;
    }

    /** The rule index's memo for this entity (null until it makes one); see {@code RuleIndex}. */
    public Object indexMemo() {
      return indexMemo;
    }

    public void indexMemo(Object memo) {
      indexMemo = memo;
    }

    /** The sorted numbers of the named ancestors-or-self (do not modify). */
    public int[] ancestors() {
      return ancestors;
    }
  }

  /** {@code uid} with its ancestors-or-self, in this table's numbers. */
  public Numbers numbers(EntityUid uid, Set<EntityUid> ancestorsOrSelf) {
    int[] out = new int[ancestorsOrSelf.size()];
    int k = 0;
    for (EntityUid a : ancestorsOrSelf) {
      int n = number(a);
      if (n >= 0) {
        out[k++] = n;
      }
    }
    out = k == out.length ? out : Arrays.copyOf(out, k);
    Arrays.sort(out);
    return new Numbers(this, number(uid), out);
  }
}
