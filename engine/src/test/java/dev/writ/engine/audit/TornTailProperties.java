package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * For a random trail and a truncation at a random byte (what a crash can leave, wherever it
 * happens): {@code verify} says intact or torn, never damaged; the head it prints is the head
 * the store has after reopening the truncated file; and the cut it announces is the cut the
 * reopening makes. The reader's buffer size is random too (from one byte up), so lines longer
 * than the buffer and cuts on every side of a buffer boundary are covered.
 */
class TornTailProperties {
  static final int EXAMPLES = 400;
  static final List<String> ALPHABET = List.of("a", "b", "z", "0", " ", "\u00e9", "\u20ac", "\ud834\udd1e", "\"", "\\",
      "\n", "\t", "{", "}");

  @TempDir
  Path dir;
  int cases;

  /** A random trail (commits of 1-4 events) and where to cut it. */
  record Case(List<List<String>> commits, int mode, int pick, int delta, int buffer) {}

  static Gen<Case> cases() {
    Gen<String> text = lists().of(Generate.pick(ALPHABET)).ofSizeBetween(0, 200).map(l -> String.join("", l));
    Gen<List<List<String>>> commits = lists().of(lists().of(text).ofSizeBetween(1, 4)).ofSizeBetween(0, 7);
    // mode 0: anywhere; 1: next to the end of a line; 2: next to the end of a commit
    Gen<Integer> mode = Generate.range(0, 2);
    Gen<Integer> buffer = Generate.pick(List.of(1, 2, 3, 7, 64, 300, 1000, 1 << 16));
    return commits.zip(mode, Generate.range(0, 1_000_000), Generate.range(-2, 2), (c, m, p, d) -> new Case(c, m, p, d, 0))
        .zip(buffer, (c, b) -> new Case(c.commits(), c.mode(), c.pick(), c.delta(), b));
  }

  static AuditEvent event(long i, String reason) {
    AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z").plusSeconds(i),
        String.format("g-%06d", i), null, "investigate_incident", Map.of("ticket", new Value.Str("INC-" + i)),
        EntityUid.parse("Employee::alice"), List.of(), List.of(), List.of("gov.incident_read"), "rev-1");
    return new AuditEvent.Revoked(h, reason);
  }

  /** Where each commit ends: its byte offset, the records before it and the head there. */
  record CommitEnd(long offset, long records, String head) {}

  @Test
  void aTruncatedTrailIsIntactOrTornNeverDamagedAndVerifyPrintsTheHeadOfTheRestart() {
    qt().withExamples(EXAMPLES).withShrinkCycles(300).forAll(cases()).checkAssert(c -> {
      try {
        check(c);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void theLinesThePropertyCutsAreTheLinesTheFileTrailWrites() throws IOException {
    List<List<String>> commits = List.of(List.of("a", "\u20ac\n"), List.of("x"), List.of("1", "2", "3"));
    MemoryAuditTrail memory = new MemoryAuditTrail();
    Path file = dir.resolve("written.jsonl");
    try (FileAuditTrail trail = FileAuditTrail.open(file)) {
      long n = 0;
      for (List<String> commit : commits) {
        List<AuditEvent> events = new ArrayList<>();
        for (String reason : commit) {
          events.add(event(++n, reason));
        }
        memory.append(events);
        trail.append(events);
      }
    }
    StringBuilder lines = new StringBuilder();
    memory.records().forEach(r -> lines.append(r.line()).append('\n'));
    assertEquals(lines.toString(), Files.readString(file));
  }

  void check(Case c) throws IOException {
    // The trail's lines as the writer makes them (the same chain and "more" marks as the file trail).
    MemoryAuditTrail memory = new MemoryAuditTrail();
    long n = 0;
    for (List<String> commit : c.commits()) {
      List<AuditEvent> events = new ArrayList<>();
      for (String reason : commit) {
        events.add(event(++n, reason));
      }
      memory.append(events);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<CommitEnd> ends = new ArrayList<>(List.of(new CommitEnd(0, 0, TrailFormat.GENESIS)));
    List<Long> lineEnds = new ArrayList<>();
    List<AuditRecord> records = memory.records();
    for (AuditRecord r : records) {
      out.writeBytes((r.line() + "\n").getBytes(StandardCharsets.UTF_8));
      lineEnds.add((long) out.size());
    }
    long done = 0;
    for (List<String> commit : c.commits()) {
      done += commit.size();
      ends.add(new CommitEnd(lineEnds.get((int) done - 1), done, records.get((int) done - 1).hash()));
    }
    byte[] all = out.toByteArray();
    long size = all.length;
    long cut = switch (c.mode()) {
      case 1 -> lineEnds.isEmpty() ? 0 : lineEnds.get(c.pick() % lineEnds.size()) + c.delta();
      case 2 -> ends.get(c.pick() % ends.size()).offset() + c.delta();
      default -> c.pick() % (size + 1);
    };
    cut = Math.max(0, Math.min(size, cut));

    Path file = dir.resolve("case-" + cases++ + ".jsonl");
    Files.write(file, Arrays.copyOf(all, (int) cut));
    CommitEnd kept = ends.get(0);
    for (CommitEnd e : ends) {
      if (e.offset() <= cut) {
        kept = e;
      }
    }
    TrailRepair expected = null;
    if (cut > kept.offset()) {
      long completeLines = 0;
      for (long end : lineEnds) {
        if (end > kept.offset() && end <= cut) {
          completeLines++;
        }
      }
      expected = new TrailRepair(file, kept.offset(), kept.records() + 1, cut - kept.offset(), completeLines,
          all[(int) cut - 1] != '\n');
    }

    TrailVerifier.Result v = TrailVerifier.verify(file, c.buffer());
    String what = c + ", cut at " + cut + " of " + size;
    assertFalse(v.damaged(), () -> what + ": " + v.problem());
    assertEquals(expected == null, v.ok(), what);
    assertEquals(expected, v.tornTail(), what);
    assertEquals(kept.head(), v.headHash(), what);
    assertEquals(kept.records(), v.records(), what);

    try (FileAuditTrail reopened = FileAuditTrail.open(file, c.buffer())) {
      assertEquals(v.headHash(), reopened.head(), () -> what + ": the head verify printed is not the store's");
      assertEquals(v.records(), reopened.records().size(), what);
      assertEquals(Optional.ofNullable(v.tornTail()), reopened.repair(), () -> what + ": verify and repair disagree");
      assertEquals(memory.records().subList(0, (int) v.records()).stream().map(AuditRecord::line).toList(),
          reopened.records().stream().map(AuditRecord::line).toList(), what);
    }
    assertEquals(kept.offset(), Files.size(file), what);
    TrailVerifier.Result after = TrailVerifier.verify(file);
    assertTrue(after.ok(), what);
    assertNull(after.tornTail(), what);
    assertEquals(v.headHash(), after.headHash(), what);
    Files.delete(file);
  }
}
