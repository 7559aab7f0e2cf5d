package dev.writ.bench.jmh;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Per-thread position in the request stream. Each thread starts at a different offset so two
 * threads do not decide the same request at the same moment.
 */
@State(Scope.Thread)
public class Cursor {
  private static final java.util.concurrent.atomic.AtomicInteger THREADS = new java.util.concurrent.atomic.AtomicInteger();
  private int i = THREADS.getAndIncrement() * 1733;

  public int next() {
    return i++;
  }
}
