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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditException;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantState;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.Value;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stores on one database behave as one: what one commits, the other decides on. */
class PostgresGrantStoreTest {
  @TempDir
  Path dir;

  String url;
  PostgresGrantStore a;
  PostgresGrantStore b;

  @BeforeEach
  void open() {
    url = TestPostgres.shared().newDatabase();
    a = PostgresGrantStore.open(PostgresStoreSettings.of(url));
    b = PostgresGrantStore.open(PostgresStoreSettings.of(url));
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void aGrantIssuedThroughOneIsUsableThroughTheOtherAtOnce() {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    RequestResult issued = ra.request(incidentRead(ALICE, METRICS, "INC-1"));
    assertEquals(Outcome.PERMIT, issued.decision().decision());
    ActionAnswer answer = rb.act(select(issued.id(), METRICS));
    assertEquals(Answer.ALLOW, answer.answer(), answer.reasons().toString());
    assertEquals(GrantState.Kind.ACTIVE, rb.grant(issued.id()).orElseThrow().state().kind());
  }

  @Test
  void aRevocationThroughOneMakesTheNextActionCheckThroughTheOtherDeny() {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    String id = ra.request(incidentRead(ALICE, METRICS, "INC-2")).id();
    assertEquals(Answer.ALLOW, rb.act(select(id, METRICS)).answer());
    assertEquals(List.of(id), ra.revoke(id, "manual", Optional.empty()));
    ActionAnswer after = rb.act(select(id, METRICS));
    assertEquals(Answer.DENY, after.answer());
    assertTrue(after.reasons().get(0).contains("revoked"), after.reasons().toString());
    // Revoking again through the other: nothing left to revoke, nothing recorded twice.
    assertEquals(List.of(), rb.revoke(id, "manual", Optional.empty()));
    long revokedEvents = a.audit(r -> r.event().type() == AuditEvent.Type.REVOKED).size();
    assertEquals(1, revokedEvents);
  }

  @Test
  void pagesOfTheTrailChainAndAnswersNameTheirRecords() throws Exception {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    List<Long> seqs = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RequestResult r = (i % 2 == 0 ? ra : rb).request(incidentRead(ALICE, METRICS, "INC-" + i));
      seqs.add(r.seq());
      ActionAnswer act = (i % 2 == 0 ? rb : ra).act(select(r.id(), METRICS));
      seqs.add(act.seq());
      assertEquals(AuditEvent.Type.ACTION, b.audit(act.seq() - 1, 1, x -> true).records().get(0).event().type());
    }
    assertEquals(List.of(3L, 4L, 7L, 8L, 11L, 12L, 15L, 16L, 19L, 20L, 23L, 24L), seqs);
    assertEquals(0, ra.act(select("g-nope", METRICS)).seq(), "nothing recorded");
    List<AuditRecord> all = a.audit(r -> true);
    List<AuditRecord> paged = new java.util.ArrayList<>();
    long after = 0;
    while (true) {
      dev.writ.engine.audit.AuditPage page = b.audit(after, 5, r -> true);
      paged.addAll(page.records());
      if (page.nextAfter() == after) {
        break;
      }
      after = page.nextAfter();
    }
    assertEquals(all.stream().map(AuditRecord::line).toList(), paged.stream().map(AuditRecord::line).toList());
    // A filter: up to `limit` matches a page, and the next page starts after the last row looked at.
    dev.writ.engine.audit.AuditPage granted = a.audit(4, 2, r -> r.event().type() == AuditEvent.Type.GRANTED);
    assertEquals(List.of(7L, 11L), granted.records().stream().map(AuditRecord::seq).toList());
    assertEquals(11, granted.nextAfter());
    assertEquals(new dev.writ.engine.audit.AuditPage(List.of(), 24), a.audit(24, 10, r -> true));
    assertEquals(new dev.writ.engine.audit.AuditPage(List.of(), 99), a.audit(99, 10, r -> true));
    StringWriter out = new StringWriter();
    PostgresTrailExport.Result tail = PostgresTrailExport.export(PostgresStoreSettings.of(url), 20, out);
    assertEquals(4, tail.records());
    assertEquals(24, tail.lastSeq());
    assertEquals(all.subList(20, 24).stream().map(r -> r.line() + "\n").reduce("", String::concat), out.toString());
  }

  @Test
  void aNarrowingThroughOneIsSeenByTheNextActionCheckThroughTheOther() {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    String id = ra.request(incidentRead(ALICE, METRICS, "INC-5")).id();
    assertEquals(Answer.ALLOW, rb.act(select(id, METRICS)).answer());
    // The other store's next checks must see the fewer actions and the earlier expiry.
    Instant now = Instant.now();
    rb.narrow(id, Optional.of(List.of("db:describe")), Optional.of(600L), "suspicious", Optional.empty());
    ActionAnswer select = ra.act(select(id, METRICS));
    assertEquals(Answer.DENY, select.answer(), select.reasons().toString());
    assertEquals(Answer.ALLOW, ra.act(new ActionFact(id, "db:describe", METRICS, Optional.empty())).answer());
    assertFalse(ra.grant(id).orElseThrow().expiresAt().isAfter(Instant.now().plusSeconds(600)));
    assertFalse(ra.grant(id).orElseThrow().expiresAt().isBefore(now.plusSeconds(600)));
    ActionAnswer later = ra.act(new ActionFact(id, "db:describe", METRICS, Optional.of(now.plusSeconds(700))));
    assertEquals(Answer.DENY, later.answer(), later.reasons().toString());
    assertEquals(1, b.audit(r -> r.event().type() == AuditEvent.Type.NARROWED).size());
  }

  @Test
  void aTaskEndedThroughOneEndsItsGrantsForTheOther() {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    String id = ra.request(incidentRead(ALICE, METRICS, "INC-6")).id();
    assertEquals(Answer.ALLOW, rb.act(select(id, METRICS)).answer());
    assertEquals(List.of(id), rb.endTask("investigate_incident", Map.of("ticket", new Value.Str("INC-6")), "closed",
        Optional.empty()));
    assertEquals(Answer.DENY, ra.act(select(id, METRICS)).answer());
    assertEquals(List.of(), ra.endTask("investigate_incident", Map.of("ticket", new Value.Str("INC-6")), "closed",
        Optional.empty()), "ended once, through either");
  }

  @Test
  void anApprovalThroughOneIssuesTheRequestMadeThroughTheOther() {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    RequestResult pending = ra.request(incidentRead(BOB, ORDERS, "INC-3"));
    assertEquals(Outcome.PENDING, pending.decision().decision());
    RequestResult approved = rb.approve(pending.id(), CAROL, Optional.empty());
    assertEquals(Outcome.PERMIT, approved.decision().decision());
    assertEquals(Answer.ALLOW, ra.act(select(pending.id(), ORDERS)).answer());
    // A second approval, through the first store, finds it issued already.
    GrantException again = assertThrows(GrantException.class,
        () -> ra.approve(pending.id(), CAROL, Optional.empty()));
    assertEquals(GrantException.Kind.CONFLICT, again.kind());
  }

  @Test
  void bothWriteOneChainInCommitOrderThatExportsAndVerifies() throws Exception {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    for (int i = 0; i < 5; i++) {
      String id = (i % 2 == 0 ? ra : rb).request(incidentRead(ALICE, METRICS, "INC-" + i)).id();
      (i % 2 == 0 ? rb : ra).act(select(id, METRICS));
    }
    List<AuditRecord> fromA = a.audit(r -> true);
    List<AuditRecord> fromB = b.audit(r -> true);
    assertEquals(fromA.stream().map(AuditRecord::line).toList(), fromB.stream().map(AuditRecord::line).toList());
    assertEquals(20, fromA.size()); // 5 x (requested, decided, granted, action)
    assertEquals(a.head(), b.head());
    assertEquals(fromA.get(fromA.size() - 1).hash(), a.head());

    StringWriter out = new StringWriter();
    PostgresTrailExport.Result exported = PostgresTrailExport.export(PostgresStoreSettings.of(url), out);
    assertEquals(20, exported.records());
    assertEquals(a.head(), exported.head());
    Path file = dir.resolve("trail.jsonl");
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    TrailVerifier.Result verified = TrailVerifier.verify(file);
    assertTrue(verified.ok(), verified.problem());
    assertEquals(a.head(), verified.headHash());
  }

  @Test
  void aStoreOpenedLaterReplaysTheSameTable() {
    GrantRuntime ra = Fixture.runtime(a);
    String kept = ra.request(incidentRead(ALICE, METRICS, "INC-4")).id();
    String ended = ra.request(incidentRead(BOB, METRICS, "INC-5")).id();
    ra.revoke(ended, "manual", Optional.empty());
    try (PostgresGrantStore c = PostgresGrantStore.open(PostgresStoreSettings.of(url))) {
      GrantRuntime rc = Fixture.runtime(c);
      assertEquals(GrantState.Kind.ACTIVE, rc.grant(kept).orElseThrow().state().kind());
      assertEquals(GrantState.Kind.REVOKED, rc.grant(ended).orElseThrow().state().kind());
      assertEquals(a.head(), c.head());
      assertEquals(0, c.recordsFromOthers());
    }
  }

  @Test
  void aChangeThatFailsRecordsNothing() {
    GrantRuntime ra = Fixture.runtime(a);
    long before = a.lastSeq();
    GrantException e = assertThrows(GrantException.class, () -> ra.revoke("g-nosuchgrant", null, Optional.empty()));
    assertEquals(GrantException.Kind.NOT_FOUND, e.kind());
    assertEquals(before, b.lastSeq());
    RuntimeException boom = assertThrows(IllegalStateException.class, () -> a.update(t -> {
      throw new IllegalStateException("the operation failed");
    }));
    assertEquals("the operation failed", boom.getMessage());
    assertEquals(before, b.lastSeq());
  }

  @Test
  void theTrailIsAppendOnlyAndADamagedRowIsRefusedNotSkipped() throws SQLException {
    Fixture.runtime(a).request(incidentRead(ALICE, METRICS, "INC-6"));
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      SQLException refused = assertThrows(SQLException.class,
          () -> st.executeUpdate("UPDATE writ_trail SET line = replace(line, 'INC-6', 'INC-7') WHERE seq = 1"));
      assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
      assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM writ_trail WHERE seq = 3"));
      assertThrows(SQLException.class, () -> st.executeUpdate("TRUNCATE writ_trail"));
      // The owner can drop the trigger; the chain still tells.
      st.execute("ALTER TABLE writ_trail DISABLE TRIGGER writ_trail_no_update");
      st.executeUpdate("UPDATE writ_trail SET line = replace(line, 'INC-6', 'INC-7') WHERE seq = 1");
    }
    AuditException damaged = assertThrows(AuditException.class,
        () -> PostgresGrantStore.open(PostgresStoreSettings.of(url)));
    assertTrue(damaged.getMessage().contains("damaged at record 1 (altered"), damaged.getMessage());
    assertThrows(AuditException.class, () -> a.audit(r -> true));
  }

  @Test
  void idsNeverCollideAndEveryGrantIsOnceInTheTrail() throws Exception {
    GrantRuntime ra = Fixture.runtime(a);
    GrantRuntime rb = Fixture.runtime(b);
    int perStore = 40;
    java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        GrantRuntime r = t % 2 == 0 ? ra : rb;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perStore / 2; i++) {
            String id = r.request(incidentRead(ALICE, METRICS, "INC-" + i)).id();
            assertTrue(ids.add(id), "id given twice: " + id);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2 * perStore, ids.size());
    List<AuditRecord> granted = a.audit(r -> r.event().type() == AuditEvent.Type.GRANTED);
    assertEquals(ids, new java.util.HashSet<>(granted.stream().map(AuditRecord::grant).toList()));
    assertEquals(ids.size(), granted.size());
    assertEquals(ids.size(), rb.grants(Optional.empty(), true).size());
  }

  @Test
  void aSecondOpenOfAMigratedDatabaseMigratesNothing() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT version, success FROM writ_schema_history ORDER BY installed_rank")) {
      assertTrue(r.next());
      assertEquals("1", r.getString(1));
      assertTrue(r.getBoolean(2));
      assertFalse(r.next(), "one migration recorded, though two stores opened the database");
    }
    assertNotEquals(null, a.location());
  }
}
