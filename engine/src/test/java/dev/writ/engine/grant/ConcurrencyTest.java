package dev.writ.engine.grant;

import dev.writ.engine.audit.Answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads request, delegate, act, revoke, offboard and sweep expiries at once on one
 * runtime with a durable store and the real clock (sub-second times, grants of a few seconds
 * that expire during the run). Afterwards no grant is in force under a revoked or expired
 * ancestor, no child exceeds its parent, the trail verifies, a replay gives the same state,
 * and, read in trail order, no action was allowed and no child issued under an ancestor that
 * was no longer active.
 */
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int OPS = Integer.getInteger("writ.concurrency.ops", 70);

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void concurrentCallsKeepTheInvariants() throws Exception {
    EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
    GrantRuntime rt = new GrantRuntime(store, Clock.systemUTC(), Gov.context());
    List<String> ids = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    List<EntityUid> sponsors = List.of(Gov.ALICE, Gov.BOB);
    List<EntityUid> agents = List.of(Gov.BOT, Gov.SUB, Gov.LEAF);
    List<EntityUid> resources = List.of(Gov.METRICS, Gov.STAGING);
    // The operations each thread runs follow from the seed (the interleaving does not): a failure
    // names it, and -Dwrit.concurrency.seed=N runs the same operations again.
    long seed = Long.getLong("writ.concurrency.seed", System.nanoTime());
    System.out.println("concurrency test seed " + seed);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random random = new Random(seed + t);
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < OPS; i++) {
          int op = random.nextInt(20);
          String any = ids.isEmpty() ? "g-000001" : ids.get(random.nextInt(ids.size()));
          try {
            if (op < 5 || ids.isEmpty()) {
              Long seconds = random.nextInt(3) == 0 ? null : (long) (1 + random.nextInt(4));
              RequestResult r = rt.request(Gov.request(sponsors.get(random.nextInt(2)),
                  List.of("db:select", "db:describe"), resources.get(random.nextInt(2)), Gov.incident("INC-" + i),
                  seconds));
              count(counts, "request " + r.decision().decision());
              if (r.decision().decision() == Outcome.PERMIT) {
                ids.add(r.id());
              }
            } else if (op < 11) {
              RequestResult r = rt.delegate(any, agents.get(random.nextInt(agents.size())),
                  random.nextBoolean() ? Optional.empty() : Optional.of(List.of("db:select")),
                  random.nextBoolean() ? Optional.empty() : Optional.of((long) (1 + random.nextInt(3))),
                  Optional.empty());
              count(counts, "delegate " + r.decision().decision());
              if (r.decision().decision() == Outcome.PERMIT) {
                ids.add(r.id());
              }
            } else if (op < 16) {
              Grant g = rt.grant(any).orElseThrow();
              ActionAnswer a = rt.act(new ActionFact(any, random.nextInt(12) == 0 ? "db:delete" : "db:select",
                  g.resource(), Optional.empty()));
              count(counts, "act " + a.answer());
            } else if (op < 18) {
              count(counts, "revoke " + Math.min(2, rt.revoke(any, null, Optional.empty()).size()));
            } else if (op < 19) {
              count(counts, "expireDue " + Math.min(1, rt.expireDue(Optional.empty()).size()));
            } else {
              count(counts, "offboard " + Math.min(1, rt.offboard(agents.get(random.nextInt(agents.size())),
                  Optional.empty()).size()));
            }
          } catch (GrantException e) {
            count(counts, "refused " + e.kind());
          }
          if (random.nextInt(10) == 0) {
            Thread.sleep(random.nextInt(300)); // let grants of a few seconds run out meanwhile
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError("a thread failed (seed " + seed + ")", e.getCause());
      }
    }
    pool.shutdown();
    System.out.println("concurrency test (" + THREADS + " threads x " + OPS + " ops): " + new java.util.TreeMap<>(counts));

    // The state now.
    Instant now = Instant.now();
    Map<String, Grant> all = new HashMap<>();
    rt.grants(Optional.empty(), false).forEach(g -> all.put(g.id(), g));
    assertTrue(all.size() > THREADS, "too little happened to mean anything");
    for (Grant g : all.values()) {
      if (g.parent() == null) {
        continue;
      }
      Grant p = all.get(g.parent());
      assertNotNull(p);
      assertTrue(p.actions().containsAll(g.actions()), g.id() + " holds more than " + p.id());
      if (p.expiresAt() != null) {
        assertFalse(g.expiresAt().isAfter(p.expiresAt()), g.id() + " outlives " + p.id());
      }
      for (Grant a = p; a != null; a = a.parent() == null ? null : all.get(a.parent())) {
        if (g.activeAt(now)) {
          assertTrue(a.activeAt(now), g.id() + " is active under " + a.state() + " " + a.id());
        }
        if (a.state().kind() == GrantState.Kind.REVOKED) {
          assertTrue(g.state().isEnded(), g.id() + " is " + g.state() + " under revoked " + a.id());
        }
      }
    }

    // The trail, read in order: nothing allowed or issued under an ancestor no longer active.
    List<AuditRecord> records = store.audit(r -> true);
    GrantTable table = new GrantTable();
    for (AuditRecord r : records) {
      AuditEvent e = r.event();
      Instant t = e.header().time();
      if (e instanceof AuditEvent.ActionChecked a && a.answer().equals(Answer.ALLOW)) {
        for (Grant g = table.get(a.header().grant()).orElseThrow(); g != null;
             g = g.parent() == null ? null : table.get(g.parent()).orElseThrow()) {
          assertTrue(g.activeAt(t), "record " + r.seq() + " allowed an action under " + g.state() + " " + g.id());
        }
      }
      if (e instanceof AuditEvent.Granted granted && granted.header().parent() != null) {
        Grant p = table.get(granted.header().parent()).orElseThrow();
        assertTrue(p.activeAt(t), "record " + r.seq() + " issued a child of " + p.state() + " " + p.id());
        if (p.expiresAt() != null) {
          assertFalse(granted.expiresAt().isAfter(p.expiresAt()), "record " + r.seq() + " outlives its parent");
        }
      }
      table.apply(e);
    }
    TrailVerifier.Result v = TrailVerifier.verify(dir.resolve("audit.jsonl"));
    assertTrue(v.ok(), v::problem);
    assertEquals(records.size(), v.records());
    assertEquals(store.head(), v.headHash());

    List<Grant> before = rt.grants(Optional.empty(), false);
    store.close();
    try (EventSourcedGrantStore reopened = EventSourcedGrantStore.open(dir)) {
      assertEquals(before, new GrantRuntime(reopened, Clock.systemUTC(), Gov.context()).grants(Optional.empty(), false));
    }
  }

  static void count(Map<String, AtomicInteger> counts, String what) {
    counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }
}
