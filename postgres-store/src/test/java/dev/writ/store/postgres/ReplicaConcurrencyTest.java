package dev.writ.store.postgres;

import dev.writ.engine.audit.Answer;
import static dev.writ.store.postgres.Fixture.ALICE;
import static dev.writ.store.postgres.Fixture.BOB;
import static dev.writ.store.postgres.Fixture.CAROL;
import static dev.writ.store.postgres.Fixture.METRICS;
import static dev.writ.store.postgres.Fixture.ORDERS;
import static dev.writ.store.postgres.Fixture.incidentRead;
import static dev.writ.store.postgres.Fixture.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.RequestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two stores on one database, changing the same grants at the same moment (released together
 * by a barrier, many rounds): one outcome each time, in one order, and no action check that
 * started after a revocation was acknowledged is allowed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicaConcurrencyTest {
  static final int ROUNDS = 15;

  PostgresGrantStore a;
  PostgresGrantStore b;
  GrantRuntime ra;
  GrantRuntime rb;
  ExecutorService pool = Executors.newFixedThreadPool(4);

  @BeforeEach
  void open() {
    String url = TestPostgres.shared().newDatabase();
    a = PostgresGrantStore.open(PostgresStoreSettings.of(url));
    b = PostgresGrantStore.open(PostgresStoreSettings.of(url));
    ra = Fixture.runtime(a);
    rb = Fixture.runtime(b);
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    a.close();
    b.close();
  }

  /** Runs both at once (as near as a barrier gets them) and returns both results. */
  <T> List<T> together(Callable<T> x, Callable<T> y) throws Exception {
    CyclicBarrier go = new CyclicBarrier(2);
    Future<T> fx = pool.submit(() -> {
      go.await(10, TimeUnit.SECONDS);
      return x.call();
    });
    Future<T> fy = pool.submit(() -> {
      go.await(10, TimeUnit.SECONDS);
      return y.call();
    });
    return List.of(fx.get(30, TimeUnit.SECONDS), fy.get(30, TimeUnit.SECONDS));
  }

  @Test
  void twoRevocationsOfOneGrantAtOnceRevokeItOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String id = ra.request(incidentRead(ALICE, METRICS, "INC-" + round)).id();
      List<List<String>> both = together(() -> ra.revoke(id, "manual", Optional.empty()),
          () -> rb.revoke(id, "manual", Optional.empty()));
      List<String> all = new ArrayList<>(both.get(0));
      all.addAll(both.get(1));
      assertEquals(List.of(id), all, "round " + round + ": exactly one of the two revoked it");
      assertEquals(1, a.audit(r -> r.event().type() == AuditEvent.Type.REVOKED && r.grant().equals(id)).size());
    }
  }

  @Test
  void twoApprovalsOfOneRequestAtOnceIssueItOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      RequestResult pending = ra.request(incidentRead(BOB, ORDERS, "INC-" + round));
      assertEquals(Outcome.PENDING, pending.decision().decision());
      List<String> both = together(() -> approveOrConflict(ra, pending.id()), () -> approveOrConflict(rb, pending.id()));
      assertEquals(List.of("conflict", "permit"), both.stream().sorted().toList(), "round " + round);
      assertEquals(1, b.audit(r -> r.event().type() == AuditEvent.Type.GRANTED && r.grant().equals(pending.id()))
          .size());
    }
  }

  static String approveOrConflict(GrantRuntime r, String id) {
    try {
      return r.approve(id, CAROL, Optional.empty()).decision().decision().json();
    } catch (GrantException e) {
      assertEquals(GrantException.Kind.CONFLICT, e.kind(), e.getMessage());
      return "conflict";
    }
  }

  @Test
  void noActionCheckThatStartsAfterARevocationIsAcknowledgedIsAllowed() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String id = ra.request(incidentRead(ALICE, METRICS, "INC-" + round)).id();
      AtomicLong revokedAt = new AtomicLong(Long.MAX_VALUE);
      Future<List<long[]>> checks = pool.submit(() -> {
        List<long[]> seen = new ArrayList<>(); // {started at, allowed?}
        for (int i = 0; i < 30; i++) {
          long start = System.nanoTime();
          ActionAnswer answer = rb.act(select(id, METRICS));
          seen.add(new long[] {start, answer.answer().equals(Answer.ALLOW) ? 1 : 0});
        }
        return seen;
      });
      ra.revoke(id, "manual", Optional.empty());
      revokedAt.set(System.nanoTime());
      for (long[] check : checks.get(30, TimeUnit.SECONDS)) {
        if (check[0] > revokedAt.get()) {
          assertEquals(0, check[1], "round " + round + ": an action check that started after the revocation "
              + "was acknowledged was allowed");
        }
      }
      // And in the trail: no allowed action of this grant after its revocation.
      boolean revoked = false;
      for (AuditRecord r : a.audit(r -> id.equals(r.grant()))) {
        revoked |= r.event().type() == AuditEvent.Type.REVOKED;
        if (revoked && r.event() instanceof AuditEvent.ActionChecked ac) {
          assertEquals(Answer.DENY, ac.answer(), "round " + round + ": allowed after the revocation, seq "
              + r.seq());
        }
      }
      assertTrue(revoked);
    }
  }

  @Test
  void manyStoresStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    int n = 4;
    ExecutorService starters = Executors.newFixedThreadPool(n);
    CyclicBarrier go = new CyclicBarrier(n);
    List<Future<PostgresGrantStore>> opened = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        opened.add(starters.submit(() -> {
          go.await(10, TimeUnit.SECONDS);
          return PostgresGrantStore.open(PostgresStoreSettings.of(url));
        }));
      }
      List<PostgresGrantStore> stores = new ArrayList<>();
      for (Future<PostgresGrantStore> f : opened) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
      String id = Fixture.runtime(stores.get(0)).request(incidentRead(ALICE, METRICS, "INC-9")).id();
      for (PostgresGrantStore s : stores) {
        assertEquals(Answer.ALLOW, Fixture.runtime(s).act(select(id, METRICS)).answer());
        s.close();
      }
    } finally {
      starters.shutdownNow();
    }
    try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement();
         var r = st.executeQuery("SELECT count(*), bool_and(success) FROM writ_schema_history WHERE version = '1'")) {
      r.next();
      assertEquals(1, r.getInt(1), "version 1 applied once");
      assertTrue(r.getBoolean(2));
    }
  }
}
