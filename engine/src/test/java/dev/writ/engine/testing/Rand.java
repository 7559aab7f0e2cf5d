package dev.writ.engine.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

/** A seeded {@link Random} with the few helpers the generators need. */
public final class Rand {
  private final Random random;

  public Rand(long seed) {
    this.random = new Random(seed);
  }

  public boolean chance(double p) {
    return random.nextDouble() < p;
  }

  /** Uniform in {@code [lo, hi]}. */
  public int between(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  public <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  @SafeVarargs
  public final <T> T oneOf(T... items) {
    return items[random.nextInt(items.length)];
  }

  public <T> T pick(Collection<T> items) {
    return pick(new ArrayList<>(items));
  }

  /** A random subset, each element kept with probability p, in the original order. */
  public <T> List<T> subset(List<T> items, double p) {
    List<T> out = new ArrayList<>();
    for (T t : items) {
      if (chance(p)) {
        out.add(t);
      }
    }
    return out;
  }

  /** Up to n distinct elements. */
  public <T> List<T> some(List<T> items, int n) {
    List<T> copy = new ArrayList<>(items);
    shuffle(copy);
    return new ArrayList<>(copy.subList(0, Math.min(n, copy.size())));
  }

  public <T> void shuffle(List<T> items) {
    java.util.Collections.shuffle(items, random);
  }

  public long nextLong() {
    return random.nextLong();
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }
}
