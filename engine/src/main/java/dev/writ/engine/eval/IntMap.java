package dev.writ.engine.eval;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A map from non-negative ints to values, by open addressing over two flat arrays: a lookup reads
 * one int slot (and the value slot beside it on a hit) instead of chasing a hash node and a key
 * object. Grown while a plan is built; read-only (and safe to share) afterwards.
 */
final class IntMap<V> {
  private static final int FREE = -1;

  private int[] keys;
  private Object[] values;
  private int size;

  IntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(1, expected) * 2 - 1) << 1;
    keys = new int[cap];
    Arrays.fill(keys, FREE);
    values = new Object[cap];
  }

  private static int mix(int k) {
    int h = k * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == key) {
        return (V) values[i];
      }
      if (k == FREE) {
        return null;
      }
    }
  }

  @SuppressWarnings("unchecked")
  V computeIfAbsent(int key, Supplier<V> make) {
    if (key < 0) {
      throw new IllegalArgumentException("internal invariant violated: negative key " + key);
    }
    V v = get(key);
    if (v != null) {
      return v;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    v = make.get();
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != FREE) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = v;
    size++;
    return v;
  }

  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    Arrays.fill(keys, FREE);
    values = new Object[oldKeys.length * 2];
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

  /** The key in slot {@code i} (of {@link #capacity()}), or -1 when the slot is free. */
  int keyAt(int i) {
    return keys[i];
  }

  @SuppressWarnings("unchecked")
  V valueAt(int i) {
    return (V) values[i];
  }

  int capacity() {
    return keys.length;
  }
}
