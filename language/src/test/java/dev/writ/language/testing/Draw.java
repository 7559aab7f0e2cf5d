package dev.writ.language.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Convenience draws from a QuickTheories {@link RandomnessSource}, for generators of recursive
 * structures that are clumsier to write with {@code map}/{@code flatMap}. Every draw goes through
 * the source, so QuickTheories can still shrink what is built from it (towards the low end of
 * each range, i.e. towards the first alternative, the shortest list, the smallest number).
 */
public final class Draw {
  private final RandomnessSource in;

  public Draw(RandomnessSource in) {
    this.in = in;
  }

  /** A generator that builds its value from draws. */
  public static <T> Gen<T> gen(Function<Draw, T> build) {
    return in -> build.apply(new Draw(in));
  }

  /** A value of another generator, drawn from the same source. */
  public <T> T from(Gen<T> gen) {
    return gen.generate(in);
  }

  /** An int in {@code [min, max]}. */
  public int between(int min, int max) {
    return (int) in.next(Constraint.between(min, max));
  }

  public long longBetween(long min, long max) {
    return in.next(Constraint.between(min, max));
  }

  public boolean bool() {
    return between(0, 1) == 1;
  }

  /** True with probability {@code percent}/100 (shrinks to false). */
  public boolean chance(int percent) {
    return between(0, 99) >= 100 - percent;
  }

  public <T> T pick(List<T> items) {
    return items.get(between(0, items.size() - 1));
  }

  @SafeVarargs
  public final <T> T pick(T... items) {
    return items[between(0, items.length - 1)];
  }

  public char pick(String chars) {
    return chars.charAt(between(0, chars.length() - 1));
  }

  /** Between {@code min} and {@code max} elements. */
  public <T> List<T> list(int min, int max, Supplier<T> element) {
    int n = between(min, max);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return out;
  }

  /**
   * One of several alternatives chosen by weight; alternatives listed first are what shrinking
   * moves towards, so put the simplest first.
   */
  @SafeVarargs
  public final <T> T weighted(Weighted<? extends T>... choices) {
    int total = 0;
    for (Weighted<? extends T> c : choices) {
      total += c.weight();
    }
    int r = between(0, total - 1);
    for (Weighted<? extends T> c : choices) {
      if (r < c.weight()) {
        return c.value().get();
      }
      r -= c.weight();
    }
    throw new AssertionError("unreachable");
  }

  public static <T> Weighted<T> w(int weight, Supplier<T> value) {
    return new Weighted<>(weight, value);
  }

  public record Weighted<T>(int weight, Supplier<T> value) {}
}
