package dev.writ.engine.audit;

import java.util.Arrays;

/**
 * Where records start in a trail file, for every {@value #EVERY}th record (records 1, 257,
 * 513, ...): a page of the trail is read from the nearest indexed record before it, so that
 * queries read the file instead of a copy of the trail in memory, and the index costs 8 bytes
 * per {@value #EVERY} records. Appended to as records are written; thread-safe.
 */
public final class TrailIndex {
  /** One record in this many is indexed. */
  public static final int EVERY = 256;

  private long[] offsets;
  private int size;

  TrailIndex() {
    offsets = new long[16];
  }

  /** An index read back from a snapshot: the offsets of records 1, 1 + EVERY, ... */
  TrailIndex(long[] offsets) {
    this.offsets = Arrays.copyOf(offsets, Math.max(16, offsets.length));
    this.size = offsets.length;
  }

  /** Notes where record {@code seq} starts, if it is one of those indexed. */
  synchronized void note(long seq, long offset) {
    if ((seq - 1) % EVERY != 0) {
      return;
    }
    int slot = (int) ((seq - 1) / EVERY);
    if (slot != size) {
      throw new IllegalStateException("internal invariant violated: record " + seq + " indexed out of order");
    }
    if (size == offsets.length) {
      offsets = Arrays.copyOf(offsets, size * 2);
    }
    offsets[size++] = offset;
  }

  /** How many records are indexed. */
  synchronized int size() {
    return size;
  }

  /** The indexed record at or before {@code seq} (at least 1): {seq, offset}. */
  synchronized long[] before(long seq) {
    int slot = (int) Math.min((Math.max(seq, 1) - 1) / EVERY, size - 1);
    if (slot < 0) {
      return new long[] {1, 0};
    }
    return new long[] {(long) slot * EVERY + 1, offsets[slot]};
  }

  /** Drops the entries of records after {@code seq} (a torn tail was cut). */
  synchronized void cut(long seq) {
    size = (int) Math.min(size, (seq + EVERY - 1) / EVERY);
  }

  /** A copy of the offsets, for a snapshot. */
  public synchronized long[] offsets() {
    return Arrays.copyOf(offsets, size);
  }

  /** How many entries an index of a trail of {@code records} records has. */
  public static int entries(long records) {
    return (int) ((records + EVERY - 1) / EVERY);
  }
}
