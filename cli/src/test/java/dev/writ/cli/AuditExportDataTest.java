package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.value.EntityUid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ audit export --data DIR [--after SEQ] [-o FILE]}: the file store's trail as stored,
 * from a seq on, complete changes only (a change still being written is left for next time).
 */
class AuditExportDataTest {
  @TempDir
  Path dir;
  Path data;
  List<String> lines;

  static AuditEvent event(int i) {
    AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z").plusSeconds(i),
        "g-00000" + i, null, null, Map.of(), EntityUid.parse("Employee::alice"), List.of(), List.of(),
        List.of("gov.incident_read"), "rev-1");
    return new AuditEvent.Revoked(h, "manual");
  }

  @BeforeEach
  void trail() throws IOException {
    data = dir.resolve("data");
    try (FileAuditTrail t = FileAuditTrail.open(data.resolve("audit.jsonl"))) {
      t.append(List.of(event(1)));
      t.append(List.of(event(2), event(3))); // one change of two records
      t.append(List.of(event(4)));
    }
    lines = Files.readAllLines(data.resolve("audit.jsonl"));
  }

  @Test
  void exportsTheRecordsAfterASeqAsStored() throws IOException {
    Path out = dir.resolve("tail.jsonl");
    AuditCommandTest.Run r = AuditCommandTest.writ("audit", "export", "--data", data.toString(), "--after", "1", "-o",
        out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(lines.subList(1, 4), Files.readAllLines(out));
    assertTrue(r.out().contains("3 records exported from " + data + ", records 2 to 4, head "), r.out());

    Path all = dir.resolve("all.jsonl");
    assertEquals(0, AuditCommandTest.writ("audit", "export", "--data", data.toString(), "-o", all.toString()).code());
    assertEquals(lines, Files.readAllLines(all));
    assertEquals(0, AuditCommandTest.writ("audit", "verify", all.toString()).code());

    AuditCommandTest.Run none = AuditCommandTest.writ("audit", "export", "--data", data.toString(), "--after", "4",
        "-o", out.toString());
    assertEquals(0, none.code(), none.err());
    assertTrue(none.out().contains("0 records exported from " + data + " (none after 4)"), none.out());
  }

  @Test
  void aChangeStillBeingWrittenIsNotExported() throws IOException {
    // The first record of a two-record change, and half a line: what a writer leaves mid-append.
    String more = lines.get(1); // record 2 carries "more": true
    assertTrue(more.contains("\"more\":true"), more);
    Files.writeString(data.resolve("audit.jsonl"), String.join("\n", lines.subList(0, 2)) + "\n"
        + lines.get(2).substring(0, 40), StandardCharsets.UTF_8);
    Path out = dir.resolve("out.jsonl");
    AuditCommandTest.Run r = AuditCommandTest.writ("audit", "export", "--data", data.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(lines.subList(0, 1), Files.readAllLines(out));
  }

  @Test
  void mistakesNameTheOption() {
    AuditCommandTest.Run both = AuditCommandTest.writ("audit", "export", "--data", data.toString(), "--store",
        "jdbc:postgresql://localhost/writ");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("--store and --data: give one store, not both"), both.err());
    AuditCommandTest.Run neither = AuditCommandTest.writ("audit", "export");
    assertTrue(neither.err().contains("--store URL or --data DIR is required"), neither.err());
    AuditCommandTest.Run empty = AuditCommandTest.writ("audit", "export", "--data", dir.resolve("nothing").toString());
    assertTrue(empty.err().contains("no audit trail there"), empty.err());
    AuditCommandTest.Run negative = AuditCommandTest.writ("audit", "export", "--data", data.toString(), "--after", "-3");
    assertTrue(negative.err().contains("--after -3: a seq is 0 or more"), negative.err());
  }
}
