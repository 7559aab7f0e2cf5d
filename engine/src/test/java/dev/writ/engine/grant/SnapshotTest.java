package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of the grant table are a cache the trail must confirm: a snapshot that is corrupt,
 * or that the trail contradicts (another trail's, one ahead of the trail, one whose record has
 * another hash), is ignored with a note and the whole trail is replayed; a good one is used and
 * only the records after it are replayed.
 */
class SnapshotTest {
  @TempDir
  Path tmp;

  /** Grants, pending approvals and id numbering: what a restart must bring back. */
  record State(List<Grant> grants, Map<String, List<dev.writ.engine.decision.PendingApproval>> waiting, String nextId,
               String head, long records) {}

  static State state(EventSourcedGrantStore s) {
    return s.read(t -> {
      Map<String, List<dev.writ.engine.decision.PendingApproval>> waiting = new java.util.LinkedHashMap<>();
      t.all().forEach(g -> waiting.put(g.id(), t.waitingFor(g.id())));
      return new State(List.copyOf(t.all()), waiting, t.nextId(), s.head(), s.lastSeq());
    });
  }

  /** Writes {@code n} requests (each issued a grant), an action check on each, and a revocation of every third. */
  static void history(Path dir, int from, int n) {
    MutableClock clock = new MutableClock(Gov.T0);
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dir, 1_000_000)) {
      GrantRuntime rt = new GrantRuntime(store, clock, Gov.context(), GrantIds.sequential());
      for (int i = from; i < from + n; i++) {
        RequestResult r = rt.request(new AccessRequest(Gov.BOB, List.of("db:select"), Gov.METRICS,
            Optional.of(Gov.incident("INC-" + i)), Optional.empty(), List.of(), List.of(),
            new Value.RecordV(Map.of("mfa", Value.Bool.TRUE)), Optional.empty(), List.of()));
        rt.act(new ActionFact(r.id(), "db:select", Gov.METRICS, Optional.empty()));
        if (i % 3 == 0) {
          rt.revoke(r.id(), "manual", Optional.empty());
        }
        clock.advance(30);
      }
    }
  }

  static State fullReplay(Path dir) throws IOException {
    Path copy = Files.createTempDirectory(dir.getParent(), "replay-");
    Files.copy(dir.resolve("audit.jsonl"), copy.resolve("audit.jsonl"));
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(copy, Long.MAX_VALUE)) {
      assertEquals(0, s.snapshotSeq());
      return state(s);
    }
  }

  @Test
  void aCleanStopWritesASnapshotThatTheNextStartUsesAndReplaysOnlyTheTail() throws IOException {
    Path dir = tmp.resolve("d");
    history(dir, 0, 12);
    State expected = fullReplay(dir);
    assertTrue(Files.exists(dir.resolve("grants.snapshot")));
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(dir, Long.MAX_VALUE)) {
      assertEquals(expected.records(), s.snapshotSeq(), "resumed at the end: nothing to replay");
      assertEquals(expected, state(s));
      assertTrue(s.notes().isEmpty(), s.notes()::toString);
    }
    // Records after the snapshot: the snapshot of the first stop is kept, the tail replayed on top.
    Path snap = tmp.resolve("first.snapshot");
    Files.copy(dir.resolve("grants.snapshot"), snap, StandardCopyOption.REPLACE_EXISTING);
    history(dir, 100, 5);
    Files.copy(snap, dir.resolve("grants.snapshot"), StandardCopyOption.REPLACE_EXISTING);
    State all = fullReplay(dir);
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(dir, Long.MAX_VALUE)) {
      assertEquals(expected.records(), ((dev.writ.engine.audit.FileAuditTrail) s.trail()).resumedFrom());
      assertTrue(all.records() > expected.records());
      assertEquals(all, state(s));
    }
  }

  @Test
  void aCorruptSnapshotIsIgnoredAndTheWholeTrailReplayed() throws IOException {
    Path dir = tmp.resolve("d");
    history(dir, 0, 9);
    State expected = fullReplay(dir);
    Path snap = dir.resolve("grants.snapshot");
    String text = Files.readString(snap, StandardCharsets.UTF_8);
    int at = text.indexOf("Employee::bob", text.indexOf('\n'));
    Files.writeString(snap, text.substring(0, at) + "Employee::eve" + text.substring(at + 13), StandardCharsets.UTF_8);
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(dir, Long.MAX_VALUE)) {
      assertEquals(0, ((dev.writ.engine.audit.FileAuditTrail) s.trail()).resumedFrom());
      assertEquals(expected, state(s));
      assertEquals(1, s.notes().size());
      assertTrue(s.notes().get(0).contains("does not match its digest"), s.notes().get(0));
    }
    Files.writeString(snap, "not a snapshot", StandardCharsets.UTF_8);
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(dir, Long.MAX_VALUE)) {
      assertEquals(expected, state(s));
      assertTrue(s.notes().get(0).contains("ignored the snapshot"), s.notes().get(0));
    }
  }

  @Test
  void aSnapshotTheTrailContradictsIsIgnored() throws IOException {
    // Another trail's snapshot, at the same seq: its hash is not this trail's.
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    history(a, 0, 9);
    history(b, 50, 9);
    State expected = fullReplay(a);
    Files.copy(b.resolve("grants.snapshot"), a.resolve("grants.snapshot"), StandardCopyOption.REPLACE_EXISTING);
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(a, Long.MAX_VALUE)) {
      assertEquals(expected, state(s));
      assertEquals(1, s.notes().size());
      assertTrue(s.notes().get(0).contains("the trail contradicts it"), s.notes().get(0));
    }
  }

  @Test
  void aSnapshotAheadOfTheTrailIsIgnored() throws IOException {
    // The trail was replaced by an older copy: the snapshot speaks of records it does not have.
    Path dir = tmp.resolve("d");
    history(dir, 0, 4);
    Path older = tmp.resolve("older.jsonl");
    Files.copy(dir.resolve("audit.jsonl"), older);
    history(dir, 10, 4);
    Files.copy(older, dir.resolve("audit.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    State expected = fullReplay(dir);
    try (EventSourcedGrantStore s = EventSourcedGrantStore.open(dir, Long.MAX_VALUE)) {
      assertEquals(expected, state(s));
      assertTrue(s.notes().get(0).contains("the trail contradicts it"), s.notes().get(0));
    }
  }
}
