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
  private final String[] rendered; // memo: racy but idempotent (a String is safely published)

  private Reasons(Object[] items) {
    this.items = items;
    this.rendered = new String[items.length];
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
    String t = rendered[index];
    if (t == null) {
      Object o = items[index];
      t = o instanceof String s ? s : ((Pending) o).render();
      rendered[index] = t;
    }
    return t;
  }

  @Override
  public int size() {
    return items.length;
  }
}
