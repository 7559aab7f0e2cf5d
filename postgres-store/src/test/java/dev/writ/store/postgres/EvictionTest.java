package dev.writ.store.postgres;

import static dev.writ.store.postgres.Fixture.ALICE;
import static dev.writ.store.postgres.Fixture.METRICS;
import static dev.writ.store.postgres.Fixture.incidentRead;
import static dev.writ.store.postgres.Fixture.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.grant.GrantIds;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL store keeps only the grants that can still change in memory (every few
 * records here, instead of every 10,000); ended ones are read back from the database. Two
 * replicas that evict, driven beside a store that keeps everything (the file store's, in memory),
 * give the same answers, the same errors and the same trail, and a restart too.
 */
class EvictionTest {
  static final Instant T0 = Instant.parse("2026-06-15T10:00:00Z");
  static final EntityUid BOT = EntityUid.parse("Assistant::triage-bot");

  /** Shared by every runtime, so they decide at the same times. */
  final MutableClock clock = new MutableClock(T0);
  HikariDataSource ds;
  PostgresGrantStore a;
  PostgresGrantStore b;
  EventSourcedGrantStore keptStore;
  GrantRuntime ra;
  GrantRuntime rb;
  GrantRuntime kept;

  @BeforeEach
  void open() {
    ds = new HikariDataSource(PostgresGrantStore.hikari(PostgresStoreSettings.of(TestPostgres.shared().newDatabase())));
    a = PostgresGrantStore.open(ds, "test", 25);
    b = PostgresGrantStore.open(ds, "test", 25);
    keptStore = EventSourcedGrantStore.inMemory();
    // Sequential ids on both sides: the same calls make the same grants. The two replicas share
    // the database, so they must not both hand out ids: only `ra` issues grants.
    ra = new GrantRuntime(a, clock, Fixture.context(), GrantIds.sequential());
    rb = new GrantRuntime(b, clock, Fixture.context(), GrantIds.sequential());
    kept = new GrantRuntime(keptStore, clock, Fixture.context(), GrantIds.sequential());
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    keptStore.close();
    ds.close();
  }

  /** The same call on the evicting runtime and the keeping one: the same answer, or the same error. */
  <T> T same(String what, GrantRuntime evicting, Function<GrantRuntime, T> call) {
    Object x;
    Object y;
    try {
      x = call.apply(evicting);
    } catch (GrantException e) {
      x = e.kind() + " " + e.field() + " " + e.getMessage();
    }
    try {
      y = call.apply(kept);
    } catch (GrantException e) {
      y = e.kind() + " " + e.field() + " " + e.getMessage();
    }
    assertEquals(y, x, what);
    @SuppressWarnings("unchecked")
    T t = x instanceof String && !(y instanceof String) ? null : (T) x;
    return t;
  }

  void sameState(GrantRuntime evicting, GrantStore store) {
    assertEquals(kept.grants(Optional.empty(), false), evicting.grants(Optional.empty(), false), "all grants");
    assertEquals(kept.grants(Optional.empty(), true), evicting.grants(Optional.empty(), true), "active grants");
    assertEquals(kept.grants(Optional.of(BOT), false), evicting.grants(Optional.of(BOT), false), "the bot's grants");
    for (Grant g : kept.grants(Optional.empty(), false)) {
      assertEquals(Optional.of(g), evicting.grant(g.id()), g.id());
    }
    assertEquals(kept.knows(BOT), evicting.knows(BOT));
    assertEquals(keptStore.head(), store.head(), "the same trail");
  }

  @Test
  void endedGrantsAreAnsweredFromTheDatabaseExactlyAsIfTheyWereKept() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int k = i;
      RequestResult r = same("request " + i, ra, rt -> rt.request(incidentRead(ALICE, METRICS, "INC-" + k)));
      ids.add(r.id());
      RequestResult d = same("delegate " + i, ra, rt -> rt.delegate(r.id(), BOT, Optional.empty(),
          Optional.of(600L), Optional.empty()));
      ids.add(d.id());
      // Checks through the other replica: it catches up, and brings back what it evicted.
      same("act " + i, rb, rt -> rt.act(select(d.id(), METRICS)));
      if (i < 37) {
        same("revoke " + i, i % 2 == 0 ? ra : rb, rt -> rt.revoke(r.id(), "manual", Optional.empty()));
      }
      clock.advance(20);
    }
    sameState(ra, a);
    sameState(rb, b);
    long[] counts = a.grantCounts();
    assertTrue(counts[1] >= 60, () -> "evicted: " + counts[1]);
    assertTrue(counts[0] <= 20, () -> "in memory: " + counts[0]);
    assertTrue(b.grantCounts()[1] >= 60, () -> "evicted by the other replica: " + b.grantCounts()[1]);
    // Every call on an ended grant answers as before, through either replica.
    for (String id : ids.subList(0, 10)) {
      GrantRuntime rt = id.hashCode() % 2 == 0 ? ra : rb;
      same("revoke " + id, rt, x -> x.revoke(id, "manual", Optional.empty()));
      same("narrow " + id, rt, x -> x.narrow(id, Optional.of(List.of("db:read")), Optional.empty(), "x",
          Optional.empty()));
      same("delegate " + id, rt, x -> x.delegate(id, BOT, Optional.empty(), Optional.empty(), Optional.empty()));
      same("act " + id, rt, x -> x.act(select(id, METRICS)));
    }
    same("offboard", ra, rt -> rt.offboard(BOT, Optional.empty()));
    clock.advance(5 * 3600);
    same("expiry sweep", rb, rt -> rt.expireDue(Optional.empty()));
    sameState(ra, a);
    sameState(rb, b);
    // A restart replays the trail and evicts at once.
    a.close();
    a = PostgresGrantStore.open(ds, "test", 25);
    ra = new GrantRuntime(a, clock, Fixture.context(), GrantIds.sequential());
    assertTrue(a.grantCounts()[0] <= 2, () -> "in memory after a restart: " + a.grantCounts()[0]);
    sameState(ra, a);
  }
}
