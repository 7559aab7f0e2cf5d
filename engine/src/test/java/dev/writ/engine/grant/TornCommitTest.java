package dev.writ.engine.grant;

import static dev.writ.engine.grant.Gov.BOB;
import static dev.writ.engine.grant.Gov.BOT;
import static dev.writ.engine.grant.Gov.METRICS;
import static dev.writ.engine.grant.Gov.SUB;
import static dev.writ.engine.grant.Gov.T0;
import static dev.writ.engine.grant.Gov.incident;
import static dev.writ.engine.grant.Gov.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.audit.TrailRepair;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One change is one append of several records (a cascade revokes a whole tree at once). A crash
 * can leave any prefix of that append on disk, since nothing was acknowledged before the fsync
 * at its end; on restart the change must be all there or not there at all: never a revoked
 * parent over a child still in force.
 */
class TornCommitTest {
  @TempDir
  Path dir;

  @Test
  void aCommitCutAfterSomeOfItsRecordsIsDroppedWhole() throws Exception {
    MutableClock clock = new MutableClock(T0);
    GrantRuntime rt = new GrantRuntime(EventSourcedGrantStore.open(dir), clock, Gov.context());
    String g1 = rt.request(request(BOB, List.of("db:select"), METRICS, incident("INC-1"), null)).id();
    String g2 = rt.delegate(g1, BOT, Optional.empty(), Optional.empty(), Optional.empty()).id();
    String g3 = rt.delegate(g2, SUB, Optional.empty(), Optional.empty(), Optional.empty()).id();
    List<Grant> before = rt.grants(Optional.empty(), false);
    Path file = dir.resolve("audit.jsonl");
    byte[] committed = Files.readAllBytes(file);
    assertEquals(List.of(g1, g2, g3), rt.revoke(g1, null, Optional.empty())); // three records, one append
    rt.store().close();
    byte[] all = Files.readAllBytes(file);
    String batch = new String(all, committed.length, all.length - committed.length, StandardCharsets.UTF_8);
    assertEquals(3, batch.split("\n").length);
    int firstEnd = batch.indexOf('\n') + 1;
    int secondEnd = batch.indexOf('\n', firstEnd) + 1;

    long lines = committed.length == 0 ? 0 : new String(committed, StandardCharsets.UTF_8).split("\n").length;
    // The crash left: the first record whole and part of the second; or the first two whole.
    for (int cut : new int[] {firstEnd + 30, secondEnd, firstEnd}) {
      Files.write(file, Arrays.copyOf(all, committed.length + cut));
      TrailRepair expected = new TrailRepair(file, committed.length, lines + 1, cut, cut == secondEnd ? 2 : 1,
          cut == firstEnd + 30);
      assertEquals(expected, TrailVerifier.verify(file).tornTail(), "verify announces the cut");
      try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dir)) {
        GrantRuntime again = new GrantRuntime(store, clock, Gov.context());
        assertEquals(before, again.grants(Optional.empty(), false), "cut at " + cut + " of the commit");
        assertTrue(((FileAuditTrail) store.trail()).repairedTail());
        assertEquals(Optional.of(expected), store.repair(), "the store reports the cut it made");
      }
      assertEquals(committed.length, Files.size(file), "the partial commit is cut off");
      assertTrue(TrailVerifier.verify(file).ok());
    }
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dir)) {
      assertEquals(Optional.empty(), store.repair(), "nothing to cut the next time");
    }
    try (EventSourcedGrantStore memory = EventSourcedGrantStore.inMemory()) {
      assertEquals(Optional.empty(), memory.repair());
    }
  }
}
