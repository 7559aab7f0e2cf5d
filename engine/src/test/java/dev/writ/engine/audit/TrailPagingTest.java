package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages of a file trail are read from the file through the sparse index: whatever {@code after},
 * {@code limit} and filter, a page is exactly the slice of the whole trail it stands for, and
 * {@code nextAfter} chains pages into the whole trail; the same after a reopen (the index rebuilt
 * on open) and from a resume point (the index read back from a snapshot).
 */
class TrailPagingTest {
  static final int RECORDS = 3 * TrailIndex.EVERY + 77;

  @TempDir
  static Path dir;
  static Path file;
  static List<AuditRecord> all;

  @BeforeAll
  static void write() {
    file = dir.resolve("audit.jsonl");
    Random random = new Random(7);
    try (FileAuditTrail t = FileAuditTrail.open(file)) {
      int i = 1;
      while (i <= RECORDS) {
        List<AuditEvent> commit = new ArrayList<>();
        for (int k = Math.min(1 + random.nextInt(4), RECORDS - i + 1); k > 0; k--) {
          commit.add(TrailTamperingTest.event(i++));
        }
        t.append(commit);
      }
      all = t.records();
    }
    assertEquals(RECORDS, all.size());
  }

  static List<AuditRecord> expected(long after, int limit, Predicate<AuditRecord> filter) {
    return all.stream().filter(r -> r.seq() > after).filter(filter).limit(limit).toList();
  }

  static List<String> lines(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::line).toList();
  }

  @Test
  void everyPageIsItsSliceOfTheTrail() {
    try (FileAuditTrail t = FileAuditTrail.open(file)) {
      qt().withExamples(200).forAll(integers().between(0, RECORDS + 3), integers().between(1, 600),
          integers().between(0, 2)).checkAssert((after, limit, f) -> {
            Predicate<AuditRecord> filter = f == 0 ? r -> true : f == 1 ? r -> r.seq() % 5 == 0
                : r -> r.event().type() == AuditEvent.Type.REVOKED;
            AuditPage page = t.read(after, limit, filter);
            List<AuditRecord> want = expected(after, limit, filter);
            assertEquals(want.stream().map(AuditRecord::seq).toList(),
                page.records().stream().map(AuditRecord::seq).toList(), "after " + after + ", limit " + limit);
            assertEquals(lines(want), lines(page.records()), "after " + after + ", limit " + limit);
            if (page.records().size() == limit) {
              assertEquals(want.get(want.size() - 1).seq(), page.nextAfter());
            } else {
              assertEquals(Math.max(after, RECORDS), page.nextAfter(), "a page that is not full looked to the end");
            }
            page.records().forEach(r -> assertEquals(AuditCodec.write(r.event()), r.json()));
          });
    }
  }

  @Test
  void pagesChainIntoTheWholeTrailFromAResumePoint() throws IOException {
    Path file = dir.resolve("resumed.jsonl"); // a copy: this test appends to it
    Files.copy(TrailPagingTest.file, file);
    FileAuditTrail.Resume at;
    try (FileAuditTrail t = FileAuditTrail.open(file)) {
      at = t.resumePoint();
    }
    List<Long> replayedAfter = new ArrayList<>();
    try (FileAuditTrail t = FileAuditTrail.open(file, at, from -> {
      replayedAfter.add(from);
      return e -> replayedAfter.add(-1L);
    })) {
      assertEquals(List.of((long) RECORDS), replayedAfter, "resumed at the end: nothing replayed");
      List<AuditRecord> got = new ArrayList<>();
      long after = 0;
      while (true) {
        AuditPage p = t.read(after, 100, r -> true);
        got.addAll(p.records());
        if (p.nextAfter() == after) {
          break;
        }
        after = p.nextAfter();
      }
      assertEquals(lines(all), lines(got));
      t.append(List.of(TrailTamperingTest.event(RECORDS + 1)));
      assertEquals(RECORDS + 1, t.read(RECORDS, 10, r -> true).records().get(0).seq());
    }
  }

  @Test
  void aPageOfAlteredRecordsIsRefusedNotServed() throws IOException {
    Path copy = dir.resolve("altered.jsonl");
    Files.copy(file, copy);
    FileAuditTrail.Resume at;
    try (FileAuditTrail t = FileAuditTrail.open(copy)) {
      at = t.resumePoint();
    }
    // Altered after the store opened it: a page over it says so (the snapshot skipped verifying it).
    String text = Files.readString(copy, StandardCharsets.UTF_8);
    Files.writeString(copy, text.replace("\"INC-300\"", "\"INC-301\""), StandardCharsets.UTF_8);
    try (FileAuditTrail t = FileAuditTrail.open(copy, at, from -> e -> { })) {
      AuditException e = assertThrows(AuditException.class, () -> t.read(290, 50, r -> true));
      assertTrue(e.getMessage().contains("damaged at record 300"), e.getMessage());
    }
  }
}
