package dev.writ.engine.decision;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A decision's deny reasons, each made into its sentence only when first read: about half of all
 * decisions deny, and a caller that acts on the outcome alone (an in-process check, a benchmark)
 * never reads why. Immutable and a {@link List} like any other (equality, hash code and order as
 * {@code List.of} of the rendered sentences), so {@link Decision} keeps it without copying.
 */
public final class Reasons extends AbstractList<String> implements RandomAccess {
  /** A reason not yet made into text; {@link #render} must always give the same sentence. */
  public interface Pending {
    String render();
  }

  private final Object[] items; // String or Pending
  // The sentences made so far, from the first read on (a decision nobody asks why has none).
  // Racy but idempotent: a String is safely published, and a lost memo is only rendered again.
  private String[] rendered;

  private Reasons(Object[] items) {
    this.items = items;
  }

  /**
   * The reasons in {@code items} (each a {@code String} or a {@link Pending}), in order. An empty
   * list is the shared empty list.
   */
  public static List<String> of(List<?> items) {
    if (items.isEmpty()) {
      return List.of();
    }
    Object[] copy = items.toArray();
    for (Object o : copy) {
      if (!(o instanceof String) && !(o instanceof Pending)) {
        throw new IllegalArgumentException("a reason is a String or a Reasons.Pending, not " + o);
      }
    }
    return new Reasons(copy);
  }

  @Override
  public String get(int index) {
    Object o = items[index];
    if (o instanceof String s) {
      return s;
    }
    String[] memo = rendered;
    if (memo == null) {
      memo = new String[items.length];
      rendered = memo;
    }
    String t = memo[index];
    if (t == null) {
      t = ((Pending) o).render();
      memo[index] = t;
    }
    return t;
  }

  @Override
  public int size() {
    return items.length;
  }
}
