package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store keeps only the grants that can still change in memory and in its snapshot; the
 * others are answered from the trail. Run side by side with a store that keeps every grant (the
 * store on a trail in memory), the same calls at the same times give the same answers, the same
 * errors and the same trail, across restarts.
 */
class EvictionStoreTest {
  @TempDir
  Path tmp;

  /** Two runtimes driven in lockstep: {@code file} evicts, {@code kept} keeps everything. */
  final class Pair {
    final Path dir = tmp.resolve("data");
    final MutableClock fileClock = new MutableClock(Gov.T0);
    final MutableClock keptClock = new MutableClock(Gov.T0);
    EventSourcedGrantStore fileStore = EventSourcedGrantStore.open(dir, 40);
    final EventSourcedGrantStore keptStore = EventSourcedGrantStore.inMemory();
    GrantRuntime file = new GrantRuntime(fileStore, fileClock, Gov.context(), GrantIds.sequential());
    final GrantRuntime kept = new GrantRuntime(keptStore, keptClock, Gov.context(), GrantIds.sequential());

    void advance(long seconds) {
      fileClock.advance(seconds);
      keptClock.advance(seconds);
    }

    void restart() {
      fileStore.close();
      fileStore = EventSourcedGrantStore.open(dir, 40);
      file = new GrantRuntime(fileStore, fileClock, Gov.context(), GrantIds.sequential());
    }

    /** The same call on both: the same answer, or the same error. */
    <T> T same(String what, Function<GrantRuntime, T> call) {
      Object a;
      Object b;
      try {
        a = call.apply(file);
      } catch (GrantException e) {
        a = e.kind() + " " + e.field() + " " + e.getMessage();
      }
      try {
        b = call.apply(kept);
      } catch (GrantException e) {
        b = e.kind() + " " + e.field() + " " + e.getMessage();
      }
      assertEquals(b, a, what);
      @SuppressWarnings("unchecked")
      T t = a instanceof String s && !(b instanceof String) ? null : (T) a;
      return t;
    }

    void sameState() {
      assertEquals(kept.grants(Optional.empty(), false), file.grants(Optional.empty(), false), "all grants");
      assertEquals(kept.grants(Optional.empty(), true), file.grants(Optional.empty(), true), "active grants");
      assertEquals(kept.grants(Optional.of(Gov.BOT), false), file.grants(Optional.of(Gov.BOT), false), "bot's grants");
      for (Grant g : kept.grants(Optional.empty(), false)) {
        assertEquals(Optional.of(g), file.grant(g.id()), g.id());
      }
      for (var u : List.of(Gov.BOB, Gov.BOT, Gov.SUB, Gov.ERIN)) {
        assertEquals(kept.knows(u), file.knows(u), "knows " + u);
      }
      assertEquals(keptStore.head(), fileStore.head(), "the same trail");
    }
  }

  static AccessRequest request(int i) {
    return new AccessRequest(Gov.BOB, List.of("db:select"), Gov.METRICS, Optional.of(Gov.incident("INC-" + i)),
        Optional.of(3600L), List.of(), List.of(), new Value.RecordV(Map.of("mfa", Value.Bool.TRUE)), Optional.empty(),
        List.of());
  }

  /** {@code n} grants, each delegated once; all but {@code live} revoked (or expired), with checks on each. */
  static List<String> history(Pair p, int from, int n, int live) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      int k = i;
      RequestResult r = p.same("request " + i, rt -> rt.request(request(k)));
      ids.add(r.id());
      RequestResult d = p.same("delegate " + i, rt -> rt.delegate(r.id(), Gov.BOT, Optional.empty(),
          Optional.of(600L), Optional.empty()));
      ids.add(d.id());
      p.same("act " + i, rt -> rt.act(new ActionFact(d.id(), "db:select", Gov.METRICS, Optional.empty())));
      if (i < from + n - live) {
        if (i % 4 == 0) {
          p.same("revoke child " + i, rt -> rt.revoke(d.id(), "manual", Optional.empty()));
        }
        p.same("revoke " + i, rt -> rt.revoke(r.id(), k % 2 == 0 ? "manual" : "incident closed", Optional.empty()));
      }
      p.advance(20);
    }
    return ids;
  }

  @Test
  void endedGrantsAreAnsweredFromTheTrailExactlyAsIfTheyWereKept() {
    Pair p = new Pair();
    try {
      List<String> ids = history(p, 0, 120, 3);
      p.sameState();
      p.restart();
      p.sameState();
      long[] counts = p.fileStore.grantCounts();
      assertTrue(counts[1] >= 200, () -> "evicted: " + counts[1]);
      assertTrue(counts[0] <= 10, () -> "in memory: " + counts[0]);
      // Every call on an ended grant answers as before: the same result, the same error.
      for (String id : ids.subList(0, 20)) {
        p.same("get " + id, rt -> rt.grant(id));
        p.same("revoke " + id, rt -> rt.revoke(id, "manual", Optional.empty()));
        p.same("narrow " + id, rt -> rt.narrow(id, Optional.of(List.of("db:select")), Optional.empty(), "x",
            Optional.empty()));
        p.same("approve " + id, rt -> rt.approve(id, Gov.CAROL, Optional.empty()));
        p.same("delegate " + id, rt -> rt.delegate(id, Gov.SUB, Optional.empty(), Optional.empty(), Optional.empty()));
        p.same("act " + id, rt -> rt.act(new ActionFact(id, "db:select", Gov.METRICS, Optional.empty())));
      }
      p.same("end a task of ended grants", rt -> rt.endTask("investigate_incident",
          Map.of("ticket", new Value.Str("INC-3")), null, Optional.empty()));
      p.same("offboard", rt -> rt.offboard(Gov.SUB, Optional.empty()));
      // Time passes: the live grants expire too, and a later sweep and restart still agree.
      p.advance(4 * 3600);
      p.same("expiry sweep", rt -> rt.expireDue(Optional.empty()));
      history(p, 1000, 30, 1);
      p.restart();
      p.sameState();
      p.same("end a live task", rt -> rt.endTask("investigate_incident", Map.of("ticket", new Value.Str("INC-1029")),
          "done", Optional.empty()));
      p.sameState();
    } finally {
      p.fileStore.close();
      p.keptStore.close();
    }
  }

  /**
   * A full listing is taken under the store's lock and its ended grants read back after it
   * (GrantTable.listing): changes made between the two, including ones that bring an evicted
   * grant back into memory, do not show in a listing taken before them.
   */
  @Test
  void aListingReadsItsEndedGrantsAsTheyWereWhenItWasTaken() {
    Pair p = new Pair();
    try {
      List<String> ids = history(p, 0, 120, 3);
      p.restart(); // evicts what has ended
      assertTrue(p.fileStore.grantCounts()[1] >= 200);
      List<Grant> expected = p.kept.grants(Optional.empty(), false);
      GrantTable.Listing listing = p.fileStore.read(GrantTable::listing);
      // Changes after the listing was taken: a grant ended now, an action check on an ended grant
      // (recorded on it, so it comes back into memory), new grants.
      p.same("act on ended", rt -> rt.act(new ActionFact(ids.get(0), "db:select", Gov.METRICS, Optional.empty())));
      for (Grant g : p.kept.grants(Optional.empty(), true)) {
        p.same("revoke live", rt -> rt.revoke(g.id(), "manual", Optional.empty()));
      }
      history(p, 2000, 5, 1);
      assertEquals(expected, listing.read());
      assertEquals(p.kept.grants(Optional.empty(), false), p.file.grants(Optional.empty(), false));
    } finally {
      p.fileStore.close();
      p.keptStore.close();
    }
  }

  record SnapshotSize(long bytes, int events, int traces) {}

  static SnapshotSize snapshot(Path dir) throws IOException {
    String text = Files.readString(dir.resolve("grants.snapshot"), StandardCharsets.UTF_8);
    JsonNode h = DataDocument.JSON.readTree(text.substring(0, text.indexOf('\n')));
    return new SnapshotSize(text.getBytes(StandardCharsets.UTF_8).length, h.path("events").asInt(),
        h.path("traces").asInt());
  }

  @Test
  void theSnapshotHoldsLiveGrantsAndAFewBytesPerEndedOne() throws IOException {
    Pair small = new Pair();
    history(small, 0, 40, 4);
    small.fileStore.close();
    small.keptStore.close();
    SnapshotSize a = snapshot(small.dir);
    Files.delete(small.dir.resolve("grants.snapshot"));
    Files.delete(small.dir.resolve("audit.jsonl"));

    Pair large = new Pair();
    history(large, 0, 400, 4);
    large.fileStore.close();
    large.keptStore.close();
    SnapshotSize b = snapshot(large.dir);
    // The same live grants (4, and their delegates): the same events, whatever was issued before.
    assertEquals(a.events(), b.events(), "events in the snapshot");
    assertTrue(b.events() <= 2 * 8, () -> "events: " + b.events());
    // What each ended grant costs: its trace, a short line (a grant's events take about a kilobyte).
    long perEnded = (b.bytes() - a.bytes()) / (b.traces() - a.traces());
    assertTrue(perEnded < 160, () -> perEnded + " bytes per ended grant");
    assertTrue(a.bytes() / Math.max(1, a.events()) > 4 * perEnded, () -> a + " against " + perEnded);
  }

  @Test
  void aSnapshotOfTheFormerFormatIsIgnoredAndTheTrailReplayed() throws IOException {
    Pair p = new Pair();
    history(p, 0, 10, 2);
    p.fileStore.close();
    p.keptStore.close();
    Path snap = p.dir.resolve("grants.snapshot");
    Files.writeString(snap, Files.readString(snap).replaceFirst("\"writ_snapshot\":2", "\"writ_snapshot\":1"));
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(p.dir)) {
      assertEquals(0, s.snapshotSeq());
      assertTrue(s.notes().get(0).contains("it is not a snapshot of format 2"), s.notes().get(0));
      List<Grant> kept = p.keptStore.read(t -> List.copyOf(t.all()));
      List<Grant> replayed = s.read(t -> List.copyOf(t.all()));
      assertEquals(kept, replayed);
    }
    assertThrows(IllegalArgumentException.class, () -> GrantTable.restore(new GrantTable.Snapshot(List.of(), 0, 0,
        List.of(new GrantTable.Traced("g-000001", 3, new long[] {1, 2, 3}, true, null)), Map.of(), List.of())),
        "evicted grants need the trail");
  }
}
