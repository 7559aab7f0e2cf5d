package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.Answer;
import dev.writ.engine.audit.AuditTrail;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.request.ActionFact;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Action checks answered from the trail's group commit ({@link GrantRuntime#actDeferred}): no
 * answer completes before every record of its check is durable (the trail's durable seq covers
 * it at the moment the answer runs), every answer completes although the calling threads never
 * wait, the answers are those of the waiting path, and forces are shared between checks.
 */
class DeferredCommitTest {
  static final int THREADS = 8;
  static final int CHECKS = 400;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void answersCompleteOnlyOnceTheirRecordsAreDurable() throws Exception {
    EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
    GrantRuntime rt = new GrantRuntime(store, Clock.fixed(Gov.T0, ZoneOffset.UTC), Gov.context());
    RequestResult issued = rt.request(Gov.request(Gov.ALICE, List.of("db:select"), Gov.METRICS,
        Gov.incident("INC-1"), 3600L));
    assertEquals(Outcome.PERMIT, issued.decision().decision());
    String id = issued.id();
    AuditTrail trail = store.trail();

    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<ActionAnswer>> answers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<java.util.concurrent.Future<List<CompletableFuture<ActionAnswer>>>> submitted = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      submitted.add(pool.submit(() -> {
        start.await();
        List<CompletableFuture<ActionAnswer>> mine = new ArrayList<>();
        for (int i = 0; i < CHECKS; i++) {
          // Every 7th asks for an action inside the intent that the grant does not cover: answered
          // deny, recorded all the same.
          String action = (thread + i) % 7 == 0 ? "db:describe" : "db:select";
          mine.add(rt.actDeferred(new ActionFact(id, action, Gov.METRICS, Optional.empty()), null)
              .thenApply(a -> {
                // Runs on the thread that completed it: the check's records must be on disk by now.
                if (trail.lastSeq() < a.seq()) {
                  violations.add("answer for record " + a.seq() + " completed at durable seq " + trail.lastSeq());
                }
                return a;
              }).toCompletableFuture());
        }
        return mine;
      }));
    }
    start.countDown();
    for (var f : submitted) {
      answers.addAll(f.get());
    }
    pool.shutdown();
    CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

    assertTrue(violations.isEmpty(), violations.size() + " answers before their records were durable, e.g. "
        + violations.stream().limit(3).toList());
    long allowed = 0;
    for (CompletableFuture<ActionAnswer> f : answers) {
      ActionAnswer a = f.join();
      assertTrue(a.seq() > 0, "every check is recorded");
      allowed += a.answer() == Answer.ALLOW ? 1 : 0;
    }
    long denied = 0;
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < CHECKS; i++) {
        denied += (t + i) % 7 == 0 ? 1 : 0;
      }
    }
    assertEquals((long) THREADS * CHECKS - denied, allowed);
    // The same check through the waiting path answers the same.
    assertEquals(Answer.ALLOW, rt.act(new ActionFact(id, "db:select", Gov.METRICS, Optional.empty())).answer());
    assertEquals(Answer.DENY, rt.act(new ActionFact(id, "db:describe", Gov.METRICS, Optional.empty())).answer());

    long forces = ((FileAuditTrail) trail).forces();
    long records = trail.lastSeq();
    System.out.println("deferred checks: " + answers.size() + " checks, " + records + " records, " + forces + " forces");
    assertTrue(forces <= records, "never more forces than records");
    store.close();
    // Everything answered was on disk: the trail reopens whole, with every check in it.
    assertTrue(TrailVerifier.verify(dir.resolve("audit.jsonl")).ok());
    EventSourcedGrantStore reopened = EventSourcedGrantStore.open(dir);
    assertEquals(records, reopened.lastSeq());
    reopened.close();
  }

  /**
   * Callers in a closed loop (each sends its next check only once it has its answer), as
   * keep-alive clients do: no answer is left behind (each arrives within its deadline), including
   * those of the callers whose threads forced for the others. The number of forces between a
   * check and its answer is printed, not asserted: it counts the forces that ran while the
   * checking thread waited for a core, too.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyCallerInAClosedLoopGetsItsAnswer() throws Exception {
    EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
    GrantRuntime rt = new GrantRuntime(store, Clock.fixed(Gov.T0, ZoneOffset.UTC), Gov.context());
    String id = rt.request(Gov.request(Gov.ALICE, List.of("db:select"), Gov.METRICS, Gov.incident("INC-2"), 3600L))
        .id();
    FileAuditTrail trail = (FileAuditTrail) store.trail();
    java.util.concurrent.atomic.AtomicLong worst = new java.util.concurrent.atomic.AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < THREADS; t++) {
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 300; i++) {
          long before = trail.forces();
          // Forces counted when the answer is there for its caller: attached at once, so this runs
          // on the thread that completes the answer, or right away if it came back complete.
          long[] after = new long[1];
          ActionAnswer a = rt.actDeferred(new ActionFact(id, "db:select", Gov.METRICS, Optional.empty()), null)
              .thenApply(x -> {
                after[0] = trail.forces();
                return x;
              }).toCompletableFuture().get(30, TimeUnit.SECONDS);
          assertEquals(Answer.ALLOW, a.answer());
          worst.accumulateAndGet(after[0] - before, Math::max);
        }
        return null;
      }));
    }
    start.countDown();
    for (var f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.println("closed loop: " + (THREADS * 300) + " checks, " + trail.forces() + " forces, at most "
        + worst.get() + " forces between a check and its answer");
    assertTrue(trail.forces() < THREADS * 300L, "forces are shared between concurrent checks");
    store.close();
  }

  @Test
  void aCheckOfAnUnknownGrantIsAnsweredAtOnceAndNotRecorded() throws Exception {
    EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
    GrantRuntime rt = new GrantRuntime(store, Clock.fixed(Gov.T0, ZoneOffset.UTC), Gov.context());
    CompletableFuture<ActionAnswer> a = rt.actDeferred(new ActionFact("g-nope", "db:select", Gov.METRICS,
        Optional.empty()), null).toCompletableFuture();
    assertTrue(a.isDone());
    assertEquals(Answer.DENY, a.get().answer());
    assertEquals(0, a.get().seq());
    assertEquals(0, store.lastSeq());
    store.close();
  }
}
