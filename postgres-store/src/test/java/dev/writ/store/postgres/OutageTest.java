package dev.writ.store.postgres;

import dev.writ.engine.audit.Answer;
import static dev.writ.store.postgres.Fixture.ALICE;
import static dev.writ.store.postgres.Fixture.METRICS;
import static dev.writ.store.postgres.Fixture.incidentRead;
import static dev.writ.store.postgres.Fixture.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.StoreUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops under an open store and comes back: while it is away every call fails with
 * {@link StoreUnavailableException} (nothing acknowledged, nothing applied locally); afterwards
 * the same store object works again and catches up, without being reopened.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutageTest {
  @TempDir
  Path dir;

  @Test
  void failsClosedWhileTheDatabaseIsAwayAndRecoversByItself() throws Exception {
    TestPostgres pg = TestPostgres.own(dir.resolve("pg"), 0);
    int port = pg.port();
    String url = pg.url("postgres");
    PostgresStoreSettings settings = PostgresStoreSettings.of(url).withConnectTimeout(Duration.ofMillis(500));
    try (PostgresGrantStore a = PostgresGrantStore.open(settings);
         PostgresGrantStore b = PostgresGrantStore.open(settings)) {
      GrantRuntime ra = Fixture.runtime(a);
      GrantRuntime rb = Fixture.runtime(b);
      String id = ra.request(incidentRead(ALICE, METRICS, "INC-1")).id();
      long before = a.lastSeq();

      pg.close();
      StoreUnavailableException act = assertThrows(StoreUnavailableException.class,
          () -> rb.act(select(id, METRICS)));
      assertTrue(act.getMessage().startsWith("the grant store is unavailable"), act.getMessage());
      assertThrows(StoreUnavailableException.class, () -> ra.request(incidentRead(ALICE, METRICS, "INC-2")));
      assertThrows(StoreUnavailableException.class, () -> ra.revoke(id, "manual", Optional.empty()));
      assertThrows(StoreUnavailableException.class, () -> rb.grant(id));
      assertThrows(StoreUnavailableException.class, () -> a.audit(r -> true));
      assertTrue(a.failures() >= 3);

      TestPostgres again = TestPostgres.own(dir.resolve("pg"), port);
      try {
        // The pool reconnects on its own; the first calls after the restart may still fail.
        ActionAnswer answer = poll(() -> rb.act(select(id, METRICS)), Duration.ofSeconds(30));
        assertEquals(Answer.ALLOW, answer.answer(), "the grant survived and was not revoked");
        assertEquals(before + 1, a.lastSeq(), "nothing from the outage was recorded; one action check since");
        ra.revoke(id, "manual", Optional.empty());
        assertEquals(Answer.DENY, rb.act(select(id, METRICS)).answer());
      } finally {
        again.close();
      }
    }
  }

  @Test
  void anUnreachableDatabaseAtOpenIsAClearError() {
    PostgresStoreSettings settings = PostgresStoreSettings.of("jdbc:postgresql://127.0.0.1:9/writ?user=writ")
        .withConnectTimeout(Duration.ofMillis(500));
    StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
        () -> PostgresGrantStore.open(settings));
    assertTrue(e.getMessage().startsWith("cannot connect to jdbc:postgresql://127.0.0.1:9/writ?user=writ: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }

  @Test
  void aPasswordInTheUrlIsNeverShown() {
    PostgresStoreSettings s = PostgresStoreSettings.of("jdbc:postgresql://127.0.0.1:9/writ?user=writ&password=hunter2")
        .withPassword(Optional.of("hunter3"));
    assertEquals("jdbc:postgresql://127.0.0.1:9/writ?user=writ&password=***", s.location());
    assertTrue(!s.toString().contains("hunter"), s.toString());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> PostgresStoreSettings.of("postgres://db/writ?password=x"));
    assertTrue(bad.getMessage().contains("jdbc:postgresql://") && !bad.getMessage().contains("=x"), bad.getMessage());
  }

  static <T> T poll(java.util.function.Supplier<T> call, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
