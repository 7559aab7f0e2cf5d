package dev.writ.store.postgres;

import dev.writ.engine.audit.Answer;
import static dev.writ.store.postgres.Fixture.ALICE;
import static dev.writ.store.postgres.Fixture.METRICS;
import static dev.writ.store.postgres.Fixture.incidentRead;
import static dev.writ.store.postgres.Fixture.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantState;
import dev.writ.engine.grant.StoreUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Changes that wait together are committed together, each still decided on what the ones before
 * it did, each answered only after the commit; an operation that fails fails alone; a commit
 * that fails acknowledges none of the group and leaves no trace in the table.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupCommitTest {
  @Test
  void concurrentChangesThroughOneStoreEachSeeTheOnesBefore() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    try (PostgresGrantStore a = PostgresGrantStore.open(PostgresStoreSettings.of(url))) {
      GrantRuntime ra = Fixture.runtime(a);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      Set<String> issued = ConcurrentHashMap.newKeySet();
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          work.add(pool.submit(() -> {
            for (int i = 0; i < 15; i++) {
              String id = ra.request(incidentRead(ALICE, METRICS, "INC-" + (thread * 100 + i))).id();
              assertTrue(issued.add(id));
              assertEquals(Answer.ALLOW, ra.act(select(id, METRICS)).answer());
              // An operation that fails (an unknown id) fails alone, whatever it was grouped with.
              assertEquals(GrantException.Kind.NOT_FOUND, assertThrows(GrantException.class,
                  () -> ra.revoke("g-unknown" + thread, null, Optional.empty())).kind());
              assertEquals(List.of(id), ra.revoke(id, "manual", Optional.empty()));
              assertEquals(Answer.DENY, ra.act(select(id, METRICS)).answer());
            }
            return null;
          }));
        }
        for (Future<?> f : work) {
          f.get(90, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      long[] commits = a.commitsAndChanges();
      assertEquals(8 * 15 * 4, commits[1], "every change that recorded something was committed once");
      try (PostgresGrantStore b = PostgresGrantStore.open(PostgresStoreSettings.of(url))) {
        for (String id : issued) {
          assertEquals(GrantState.Kind.REVOKED, Fixture.runtime(b).grant(id).orElseThrow().state().kind());
        }
        List<AuditRecord> trail = b.audit(r -> true);
        assertEquals(8 * 15 * (3 + 1 + 1 + 1), trail.size()); // issue (3), allow, revoked, deny
      }
    }
  }

  @Test
  void aCommitThatFailsAcknowledgesNothingAndLeavesNothingInTheTable() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    AtomicBoolean failCommits = new AtomicBoolean();
    DataSource flaky = failingCommits(TestPostgres.shared().dataSource(url.replaceAll(".*/([^?]+).*", "$1")),
        failCommits);
    try (PostgresGrantStore a = PostgresGrantStore.open(flaky, "flaky");
         PostgresGrantStore b = PostgresGrantStore.open(PostgresStoreSettings.of(url))) {
      GrantRuntime ra = Fixture.runtime(a);
      String kept = ra.request(incidentRead(ALICE, METRICS, "INC-1")).id();
      long before = b.lastSeq();

      failCommits.set(true);
      StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
          () -> ra.revoke(kept, "manual", Optional.empty()));
      assertTrue(e.getMessage().contains("the commit did not complete"), e.getMessage());
      assertThrows(StoreUnavailableException.class, () -> ra.request(incidentRead(ALICE, METRICS, "INC-2")));
      failCommits.set(false);

      // The revocation was applied to the table before the commit; it must not survive there.
      assertEquals(GrantState.Kind.ACTIVE, ra.grant(kept).orElseThrow().state().kind());
      assertEquals(Answer.ALLOW, ra.act(select(kept, METRICS)).answer());
      assertEquals(before + 1, b.lastSeq(), "only the action check since");
      assertEquals(0, b.audit(r -> r.event().type() == AuditEvent.Type.REVOKED).size());
      assertEquals(List.of(kept), ra.revoke(kept, "manual", Optional.empty()));
      assertEquals(Answer.DENY, Fixture.runtime(b).act(select(kept, METRICS)).answer());
    }
  }

  /** {@code ds}, whose connections' {@code commit()} rolls back and throws while {@code fail} is set. */
  static DataSource failingCommits(DataSource ds, AtomicBoolean fail) {
    return (DataSource) Proxy.newProxyInstance(GroupCommitTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, m, args) -> {
          Object r = invoke(ds, m, args);
          if (m.getName().equals("getConnection")) {
            Connection real = (Connection) r;
            return Proxy.newProxyInstance(GroupCommitTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (p2, m2, a2) -> {
                  if (m2.getName().equals("commit") && fail.get()) {
                    real.rollback();
                    throw new SQLException("the connection broke during the commit (test)", "08006");
                  }
                  return invoke(real, m2, a2);
                });
          }
          return r;
        });
  }

  static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
