package dev.writ.engine.eval;

import java.util.Arrays;

/**
 * A map from non-negative longs to ints, by open addressing over two flat arrays: a lookup reads
 * one long slot (and the int slot beside it on a hit) instead of chasing a hash node and a boxed
 * key. The rule index packs two int keys into one long (a level and a principal key, a node and a
 * resource key). Grown while a plan is built; read-only (and safe to share) afterwards.
 */
final class LongIntMap {
  private static final long FREE = -1L;
  static final int MISSING = -1;

  private long[] keys;
  private int[] values;
  private int size;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(2, expected) * 2 - 1) << 1;
    keys = new long[cap];
    Arrays.fill(keys, FREE);
    values = new int[cap];
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** The value of {@code key}, or {@link #MISSING}. */
  int get(long key) {
    long[] ks = keys;
    int mask = ks.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long k = ks[i];
      if (k == key) {
        return values[i];
      }
      if (k == FREE) {
        return MISSING;
      }
    }
  }

  /** The value of {@code key}; when it has none, {@code value} becomes its value and is returned. */
  int putIfAbsent(long key, int value) {
    if (key < 0 || value < 0) {
      throw new IllegalArgumentException("internal invariant violated: negative key or value " + key + " " + value);
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    for (; keys[i] != FREE; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return values[i];
      }
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
      mask = keys.length - 1;
      i = mix(key) & mask;
      while (keys[i] != FREE) {
        i = (i + 1) & mask;
      }
    }
    keys[i] = key;
    values[i] = value;
    size++;
    return value;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    Arrays.fill(keys, FREE);
    values = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != FREE) {
        int i = mix(oldKeys[j]) & mask;
        while (keys[i] != FREE) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  int size() {
    return size;
  }
}
