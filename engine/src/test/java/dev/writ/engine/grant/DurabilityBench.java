package dev.writ.engine.grant;

import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rough numbers for docs/architecture.md (not a test, not asserted): the cost of one durable
 * grant issue, the write throughput of the single-writer store, and the replay time of a large
 * trail. Run from the engine module after {@code mvn test-compile}:
 *
 * <pre>java -cp target/test-classes:target/classes:$(deps) dev.writ.engine.grant.DurabilityBench [DIR] [EVENTS]</pre>
 *
 * DIR must be on the disk to measure (default: a temporary directory).
 */
public final class DurabilityBench {
  private DurabilityBench() {}

  public static void main(String[] args) throws Exception {
    Path base = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("writ-bench-");
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    boolean keep = args.length > 2 && args[2].equals("keep");
    try {
      if (!keep) {
        issue(base);
      }
      replay(base, events);
    } finally {
      if (!keep) {
        Gov.deleteTree(base);
      }
    }
  }

  static void issue(Path base) throws Exception {
    // Decision and bookkeeping alone (memory store), then durable (file store, fsync per change).
    GrantRuntime memory = new GrantRuntime(EventSourcedGrantStore.inMemory(), Clock.systemUTC(), Gov.context());
    for (int i = 0; i < 20_000; i++) {
      memory.request(Gov.request(Gov.BOB, List.of("db:select"), Gov.METRICS, Gov.incident("INC-" + i), null));
    }
    long[] mem = time(2000, i -> memory.request(Gov.request(Gov.BOB, List.of("db:select"), Gov.METRICS,
        Gov.incident("INC-" + i), null)));
    report("grant issue, in-memory store", mem);

    Path dir = Files.createDirectories(base.resolve("issue"));
    EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
    GrantRuntime rt = new GrantRuntime(store, Clock.systemUTC(), Gov.context());
    long[] durable = time(500, i -> {
      RequestResult r = rt.request(Gov.request(Gov.BOB, List.of("db:select"), Gov.METRICS, Gov.incident("INC-" + i),
          null));
      if (r.decision().decision() != Outcome.PERMIT) {
        throw new IllegalStateException(r.decision().toString());
      }
    });
    report("grant issue, durable store (3 records, 1 fsync)", durable);

    for (int threads : new int[] {1, 8}) {
      int per = 400 / threads;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(pool.submit(() -> {
          for (int i = 0; i < per; i++) {
            rt.request(Gov.request(Gov.BOB, List.of("db:select"), Gov.METRICS, Gov.incident("INC-" + i), null));
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("durable issue throughput, %d thread(s): %.0f grants/s%n", threads, per * threads / secs);
    }
    store.close();
  }

  /**
   * A realistic trail of at least {@code events} records (requests, approvals, delegations,
   * actions, drift, revocations, expiries), produced on tmpfs when there is one (no fsync cost)
   * and copied into {@code dir}.
   */
  static long generate(Path base, Path dir, int events) throws Exception {
    Path shm = Path.of("/dev/shm");
    Path scratch = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "writ-bench-")
        : Files.createDirectories(base.resolve("scratch"));
    MutableClock clock = new MutableClock(Gov.T0);
    EventSourcedGrantStore store = EventSourcedGrantStore.open(scratch);
    GrantRuntime rt = new GrantRuntime(store, clock, Gov.context());
    Random random = new Random(42);
    List<String> active = new ArrayList<>();
    int n = 0;
    long written = 0;
    while (written < events) {
      n++;
      int op = random.nextInt(10);
      if (op < 3 || active.isEmpty()) {
        RequestResult r = rt.request(Gov.request(random.nextBoolean() ? Gov.ALICE : Gov.BOB, List.of("db:select"),
            random.nextInt(4) == 0 ? Gov.ORDERS : Gov.METRICS, Gov.incident("INC-" + n), null));
        if (r.decision().decision() == Outcome.PENDING) {
          rt.approve(r.id(), Gov.CAROL, Optional.empty());
          r = rt.approve(r.id(), Gov.DAVE, Optional.empty());
        }
        active.add(r.id());
      } else if (op < 5) {
        RequestResult r = rt.delegate(active.get(random.nextInt(active.size())), Gov.BOT, Optional.empty(),
            Optional.empty(), Optional.empty());
        if (r.decision().decision() == Outcome.PERMIT) {
          active.add(r.id());
        }
      } else if (op < 9) {
        String g = active.get(random.nextInt(active.size()));
        rt.act(new ActionFact(g, random.nextInt(20) == 0 ? "db:delete" : "db:select",
            rt.grant(g).orElseThrow().resource(), Optional.empty()));
      } else {
        clock.advance(60);
        rt.expireDue(Optional.empty());
      }
      if (active.size() > 2000) {
        active.subList(0, 1000).clear();
      }
      if (n % 1000 == 0) {
        written = store.trail().records().size();
      }
    }
    written = store.trail().records().size();
    store.close();
    Files.copy(scratch.resolve("audit.jsonl"), dir.resolve("audit.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    Gov.deleteTree(scratch);
    return written;
  }

  static void replay(Path base, int events) throws Exception {
    Path dir = Files.createDirectories(base.resolve("replay"));
    long written = generate(base, dir, events);
    long bytes = Files.size(dir.resolve("audit.jsonl"));
    System.out.printf("trail: %d records, %.1f MB (%.0f bytes/record)%n", written, bytes / 1e6, (double) bytes / written);
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    var gcs = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
    for (int i = 1; i <= 3; i++) {
      System.gc();
      long gcBefore = gcs.stream().mapToLong(g -> g.getCollectionTime()).sum();
      long cpuBefore = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      EventSourcedGrantStore reopened = EventSourcedGrantStore.open(dir);
      double secs = (System.nanoTime() - start) / 1e9;
      double cpu = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
      double gc = (gcs.stream().mapToLong(g -> g.getCollectionTime()).sum() - gcBefore) / 1e3;
      System.gc();
      Runtime rt2 = Runtime.getRuntime();
      double heap = (rt2.totalMemory() - rt2.freeMemory()) / 1e6;
      reopened.close();
      System.out.printf("replay on open, run %d: %.2f s wall (%.0f records/s), %.2f s CPU in the opening thread, "
          + "%.2f s in GC; %.0f MB of heap held by the open store%n", i, secs, written / secs, cpu, gc, heap);
    }
    System.out.printf("load average during the run: %.1f on %d CPUs%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    long start = System.nanoTime();
    TrailVerifier.Result r = TrailVerifier.verify(dir.resolve("audit.jsonl"));
    System.out.printf("writ audit verify: %.2f s, ok=%s%n", (System.nanoTime() - start) / 1e9, r.ok());
  }

  interface Op {
    void run(int i) throws Exception;
  }

  static long[] time(int n, Op op) throws Exception {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      op.run(i);
      out[i] = System.nanoTime() - t;
    }
    return out;
  }

  static void report(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf("%s: median %.3f ms, p90 %.3f ms, p99 %.3f ms, mean %.3f ms%n", what, s[s.length / 2] / 1e6,
        s[s.length * 9 / 10] / 1e6, s[s.length * 99 / 100] / 1e6, Arrays.stream(s).average().orElse(0) / 1e6);
  }
}
