package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hash chain catches every kind of tampering and names the first bad record: a flipped
 * byte anywhere, a deleted record, two swapped records, an inserted one, a cut in the middle.
 */
class TrailTamperingTest {
  static final int RECORDS = 6;

  @TempDir
  Path dir;
  Path file;
  byte[] intact;
  String head;

  static AuditEvent event(int i) {
    AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z").plusSeconds(i),
        String.format("g-%06d", i), i > 1 ? String.format("g-%06d", i - 1) : null, "investigate_incident",
        Map.of("ticket", new Value.Str("INC-" + i)), EntityUid.parse("Employee::alice"),
        List.of(), List.of(EntityUid.parse("Employee::carol")), List.of("gov.incident_read"), "rev-1");
    return i % 2 == 0 ? new AuditEvent.Revoked(h, "manual")
        : new AuditEvent.Drift(h, "db:delete", EntityUid.parse("Database::orders"), AuditEvent.Drift.Mode.REVOKE);
  }

  @BeforeEach
  void write() throws IOException {
    file = dir.resolve("audit.jsonl");
    try (FileAuditTrail trail = FileAuditTrail.open(file)) {
      trail.append(List.of(event(1), event(2)));
      for (int i = 3; i <= RECORDS; i++) {
        trail.append(List.of(event(i)));
      }
      head = trail.head();
    }
    intact = Files.readAllBytes(file);
  }

  List<String> lines() {
    return new ArrayList<>(Arrays.asList(new String(intact, StandardCharsets.UTF_8).split("\n")));
  }

  void writeLines(List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  /** The record (1-based) holding byte {@code pos} of the intact file. */
  int recordAt(int pos) {
    int record = 1;
    for (int i = 0; i < pos; i++) {
      if (intact[i] == '\n') {
        record++;
      }
    }
    return record;
  }

  static void assertBad(TrailVerifier.Result r, long record, String what) {
    assertFalse(r.ok(), what + ": not detected");
    assertEquals(record, r.firstBadLine(), () -> what + ": " + r.problem());
    assertTrue(r.problem().startsWith("record " + record + " "), () -> what + ": " + r.problem());
    assertEquals(record - 1, r.records(), () -> what + ": records before the bad one");
  }

  @Test
  void anIntactTrailVerifies() throws IOException {
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertTrue(r.ok(), r::problem);
    assertEquals(RECORDS, r.records());
    assertEquals(head, r.headHash());
    try (FileAuditTrail reopened = FileAuditTrail.open(file)) {
      assertEquals(RECORDS, reopened.records().size());
      assertEquals(head, reopened.head());
      assertFalse(reopened.repairedTail());
    }
    assertArrayEquals(intact, Files.readAllBytes(file), "opening an intact trail changes nothing");
  }

  @Test
  void everySingleFlippedByteIsCaughtAtItsRecord() throws IOException {
    // Every position of the file, with a low-bit flip and a flip into a non-ASCII byte
    // (which is not valid UTF-8 on its own).
    // Each variant goes to a new file: rewriting one file in place thousands of times makes
    // ext4 flush on every close (auto_da_alloc), which costs seconds.
    int n = 0;
    for (int mask : new int[] {0x01, 0x80, 0x20}) {
      for (int pos = 0; pos < intact.length; pos++) {
        if (mask != 0x01 && pos % 3 != 0) {
          continue; // the other flips on every third byte keep the test quick
        }
        byte[] bad = intact.clone();
        bad[pos] ^= (byte) mask;
        Path variant = dir.resolve("flipped-" + n++ + ".jsonl");
        Files.write(variant, bad);
        int record = recordAt(pos);
        String what = "byte " + pos + " ^ " + Integer.toHexString(mask) + " (record " + record + ")";
        TrailVerifier.Result r = TrailVerifier.verify(variant);
        Files.delete(variant);
        if (pos == intact.length - 1) {
          // The final newline: the last record loses its end of line and becomes a torn tail,
          // which a restart cuts (and a truncation could have done the same).
          assertFalse(r.damaged(), () -> what + ": " + r.problem());
          assertEquals(new TrailRepair(variant, lastStart(), RECORDS, intact.length - lastStart(), 0, true), r.tornTail(),
              what);
          assertEquals(RECORDS - 1, r.records(), what);
        } else {
          assertBad(r, record, what);
        }
      }
    }
  }

  @Test
  void aDeletedRecordIsNamed() throws IOException {
    for (int k = 1; k <= RECORDS - 1; k++) {
      List<String> lines = lines();
      lines.remove(k - 1);
      writeLines(lines);
      TrailVerifier.Result r = TrailVerifier.verify(file);
      assertBad(r, k, "record " + k + " deleted");
      assertTrue(r.problem().contains("missing or out of order"), r::problem);
    }
  }

  @Test
  void twoSwappedRecordsAreNamed() throws IOException {
    for (int k = 1; k < RECORDS; k++) {
      List<String> lines = lines();
      String a = lines.get(k - 1);
      lines.set(k - 1, lines.get(k));
      lines.set(k, a);
      writeLines(lines);
      assertBad(TrailVerifier.verify(file), k, "records " + k + " and " + (k + 1) + " swapped");
    }
    // Swapping two records that are not neighbours.
    List<String> lines = lines();
    String a = lines.get(1);
    lines.set(1, lines.get(4));
    lines.set(4, a);
    writeLines(lines);
    assertBad(TrailVerifier.verify(file), 2, "records 2 and 5 swapped");
  }

  @Test
  void anInsertedOrDuplicatedRecordIsNamed() throws IOException {
    List<String> lines = lines();
    lines.add(3, lines.get(2));
    writeLines(lines);
    assertBad(TrailVerifier.verify(file), 4, "record 3 duplicated");
  }

  @Test
  void aRecordRewrittenWithAFreshHashBreaksTheChainAtTheNextRecord() throws IOException {
    // Someone who knows the format rewrites record 3 and recomputes its hash: record 4 no longer follows it.
    List<String> lines = lines();
    TrailFormat.Parsed p = TrailFormat.parse(lines.get(2));
    var body = (com.fasterxml.jackson.databind.node.ObjectNode) p.json().deepCopy();
    body.remove(List.of("seq", "prev", "hash"));
    body.put("reason", "cascade");
    lines.set(2, TrailFormat.line(3, p.prev(), body).text());
    writeLines(lines);
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertBad(r, 4, "record 3 rewritten with a new hash");
    assertTrue(r.problem().contains("does not follow"), r::problem);
  }

  int lastStart() {
    return new String(intact, StandardCharsets.UTF_8).lastIndexOf('\n', intact.length - 2) + 1;
  }

  @Test
  void aCutInTheMiddleIsATornTailNotDamage() throws IOException {
    // What a crash leaves, and what a truncation leaves: the chain cannot tell them apart (keep
    // the head elsewhere to catch a truncation), so neither is reported as damage.
    for (int cut : new int[] {intact.length / 2, 10, intact.length - 5}) {
      Files.write(file, Arrays.copyOf(intact, cut));
      int record = recordAt(cut);
      TrailVerifier.Result r = TrailVerifier.verify(file);
      assertFalse(r.damaged(), r::problem);
      TrailRepair tail = r.tornTail();
      assertEquals(cut - tail.offset(), tail.bytes(), "cut at byte " + cut);
      assertTrue(tail.unfinishedLine(), "cut at byte " + cut);
      // Records 1 and 2 are one commit: a cut in record 2 takes record 1 with it.
      long firstCut = record == 2 ? 1 : record;
      assertEquals(firstCut, tail.line(), "cut at byte " + cut);
      assertEquals(firstCut - 1, r.records(), "cut at byte " + cut);
    }
  }

  @Test
  void anEmptyLineIsNamed() throws IOException {
    List<String> lines = lines();
    lines.add(2, "");
    writeLines(lines);
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertFalse(r.ok());
    assertEquals(3, r.firstBadLine());
    assertTrue(r.problem().contains("record 3"), r::problem);
  }

  @Test
  void anEmptyFileIsAnIntactEmptyTrail() throws IOException {
    Files.write(file, new byte[0]);
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertTrue(r.ok());
    assertEquals(0, r.records());
    assertEquals(TrailFormat.GENESIS, r.headHash());
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThrows(IOException.class, () -> TrailVerifier.verify(dir.resolve("nope.jsonl")));
  }

  @Test
  void openingADamagedTrailIsRefusedNamingTheLine() throws IOException {
    List<String> lines = lines();
    lines.remove(3);
    writeLines(lines);
    AuditException e = assertThrows(AuditException.class, () -> FileAuditTrail.open(file));
    assertTrue(e.getMessage().contains("line 4"), e::getMessage);
    assertTrue(e.getMessage().contains("writ audit verify"), e::getMessage);
  }

  @Test
  void onlyOneWriterMayHaveTheTrailOpen() {
    try (FileAuditTrail first = FileAuditTrail.open(file)) {
      AuditException e = assertThrows(AuditException.class, () -> FileAuditTrail.open(file));
      assertTrue(e.getMessage().contains("in use"), e::getMessage);
      first.append(List.of(event(RECORDS + 1)));
    }
    try (FileAuditTrail again = FileAuditTrail.open(file)) {
      assertEquals(RECORDS + 1, again.records().size(), "closing releases the lock");
    }
  }

  @Test
  void openingCutsOffACommitWhoseLastRecordIsMissing() throws IOException {
    // Records 1 and 2 were one append: record 1 says more follow.
    assertTrue(TrailFormat.parse(lines().get(0)).more());
    assertFalse(TrailFormat.parse(lines().get(1)).more());
    List<String> first = lines().subList(0, 1);
    writeLines(first);
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertFalse(r.damaged(), "the chain itself is intact");
    assertEquals(new TrailRepair(file, 0, 1, Files.size(file), 1, false), r.tornTail());
    try (FileAuditTrail reopened = FileAuditTrail.open(file)) {
      assertTrue(reopened.repairedTail());
      assertEquals(java.util.Optional.of(r.tornTail()), reopened.repair());
      assertEquals(0, reopened.records().size(), "half a commit is no commit");
      assertEquals(TrailFormat.GENESIS, reopened.head());
    }
    assertEquals(0, Files.size(file));
  }

  @Test
  void openingCutsOffATornLastRecordOnly() throws IOException {
    Files.write(file, Arrays.copyOf(intact, lastStart() + 40));
    try (FileAuditTrail reopened = FileAuditTrail.open(file)) {
      assertTrue(reopened.repairedTail());
      assertEquals(RECORDS - 1, reopened.records().size());
      reopened.append(List.of(event(RECORDS)));
      assertEquals(head, reopened.head(), "the same record appended again gives the same chain");
    }
    assertArrayEquals(intact, Files.readAllBytes(file));
    assertTrue(TrailVerifier.verify(file).ok());
  }
}
