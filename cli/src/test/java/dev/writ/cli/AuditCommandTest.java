package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.value.EntityUid;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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

/** {@code writ audit verify FILE}: 0 intact, 1 tampered (naming the first bad record), 2 unreadable. */
class AuditCommandTest {
  @TempDir
  Path dir;
  Path file;
  String head;

  record Run(int code, String out, String err) {}

  static Run writ(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Writ.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void trail() {
    file = dir.resolve("audit.jsonl");
    try (FileAuditTrail t = FileAuditTrail.open(file)) {
      for (int i = 1; i <= 5; i++) {
        AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z").plusSeconds(i),
            "g-00000" + i, null, null, Map.of(), EntityUid.parse("Employee::alice"), List.of(), List.of(),
            List.of("gov.incident_read"), "rev-1");
        t.append(List.of(new AuditEvent.Revoked(h, "manual")));
      }
      head = t.head();
    }
  }

  List<String> lines() throws IOException {
    return new ArrayList<>(Arrays.asList(Files.readString(file).split("\n")));
  }

  void write(List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n");
  }

  @Test
  void anIntactTrailExitsZeroWithASummary() {
    Run r = writ("audit", "verify", file.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(file + ": intact, 5 records, head " + head + System.lineSeparator(), r.out());
    assertEquals("", r.err());
  }

  @Test
  void aFlippedByteIsNamed() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int third = Files.readString(file).indexOf("g-000003");
    bytes[third + 7] ^= 0x01;
    Files.write(file, bytes);
    Run r = writ("audit", "verify", file.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("record 3 (line 3) was altered"), r.out());
    assertTrue(r.out().contains("the 2 records before it verify"), r.out());
  }

  @Test
  void aNonUtf8ByteIsNamedNotUnreadable() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int second = Files.readString(file).indexOf("g-000002");
    bytes[second] = (byte) 0xC3;
    Files.write(file, bytes);
    Run r = writ("audit", "verify", file.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("record 2 (line 2)"), r.out());
  }

  @Test
  void aDeletedRecordIsNamed() throws IOException {
    List<String> lines = lines();
    lines.remove(3);
    write(lines);
    Run r = writ("audit", "verify", file.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("record 4 is missing or out of order: line 4 holds record 5"), r.out());
  }

  @Test
  void swappedRecordsAreNamed() throws IOException {
    List<String> lines = lines();
    String a = lines.get(1);
    lines.set(1, lines.get(2));
    lines.set(2, a);
    write(lines);
    Run r = writ("audit", "verify", file.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("record 2 is missing or out of order"), r.out());
  }

  @Test
  void aCutInTheMiddleIsATornTailNotDamage() throws IOException {
    // What a crash during a write leaves (and what a truncation leaves): exit 0, with what a restart will cut.
    byte[] bytes = Files.readAllBytes(file);
    List<String> lines = lines();
    int start = lines.get(0).length() + lines.get(1).length() + lines.get(2).length() + 3;
    int cut = Files.readString(file).indexOf("g-000004");
    Files.write(file, Arrays.copyOf(bytes, cut));
    String third = dev.writ.engine.audit.TrailFormat.parse(lines.get(2)).hash();
    Run r = writ("audit", "verify", file.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(file + ": intact, 3 records, head " + third + System.lineSeparator()
        + file + ": warning: torn tail, as a crash during a write leaves it: a restart will cut " + (cut - start)
        + " bytes from byte " + start + " (line 4) to the end: an unfinished last line" + System.lineSeparator(),
        r.out());
    assertEquals("", r.err());
  }

  @Test
  void anUnfinishedCommitIsATornTailAndTheHeadIsTheRestartsHead() throws IOException {
    long size = Files.size(file);
    try (FileAuditTrail t = FileAuditTrail.open(file)) {
      List<AuditEvent> cascade = new ArrayList<>();
      for (int i = 6; i <= 8; i++) {
        AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z").plusSeconds(i),
            "g-00000" + i, null, null, Map.of(), EntityUid.parse("Employee::alice"), List.of(), List.of(),
            List.of("gov.incident_read"), "rev-1");
        cascade.add(new AuditEvent.Revoked(h, "cascade"));
      }
      t.append(cascade);
    }
    List<String> lines = lines();
    long twoOfThree = size + lines.get(5).length() + lines.get(6).length() + 2;
    Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) twoOfThree + 12));
    Run r = writ("audit", "verify", file.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(file + ": intact, 5 records, head " + head + System.lineSeparator()
        + file + ": warning: torn tail, as a crash during a write leaves it: a restart will cut "
        + (twoOfThree + 12 - size) + " bytes from byte " + size + " (line 6) to the end: an unfinished commit of 2 "
        + "records (its last record never reached the disk) and an unfinished last line" + System.lineSeparator(),
        r.out());
    try (FileAuditTrail restarted = FileAuditTrail.open(file)) {
      assertEquals(head, restarted.head(), "the head verify printed is the head after the restart");
    }
    assertEquals(file + ": intact, 5 records, head " + head + System.lineSeparator(),
        writ("audit", "verify", file.toString()).out());
  }

  @Test
  void damageBeforeATornTailIsDamage() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[Files.readString(file).indexOf("g-000002") + 7] ^= 0x01;
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    Run r = writ("audit", "verify", file.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    String first = dev.writ.engine.audit.TrailFormat.parse(lines().get(0)).hash();
    assertEquals(file + ": NOT intact: record 2 (line 2) was altered: its content does not match its hash"
        + System.lineSeparator() + file + ": the 1 record before it verifies (head " + first + ")"
        + System.lineSeparator(), r.out());
  }

  @Test
  void anUnreadableFileExitsTwo() {
    Run missing = writ("audit", "verify", dir.resolve("nope.jsonl").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().startsWith("writ: cannot read the audit trail"), missing.err());
    assertTrue(missing.err().contains("no such file"), missing.err());
    assertEquals(1, missing.err().lines().count(), "one line, no stack trace");

    Run directory = writ("audit", "verify", dir.toString());
    assertEquals(2, directory.code());
    assertTrue(directory.err().contains("not a regular file"), directory.err());
  }

  @Test
  void usageMistakesExitTwo() {
    assertEquals(2, writ("audit").code());
    assertEquals(2, writ("audit", "verify").code());
    assertEquals(2, writ("audit", "frobnicate", file.toString()).code());
  }

  @Test
  void anEmptyTrailIsIntact() throws IOException {
    Files.write(file, new byte[0]);
    Run r = writ("audit", "verify", file.toString());
    assertEquals(0, r.code());
    assertTrue(r.out().contains("intact, 0 records"), r.out());
  }

  @Test
  void helpListsTheCommand() {
    Run r = writ("--help");
    assertTrue(r.out().contains("audit"), r.out());
    assertTrue(new String(writ("audit", "verify", "--help").out().getBytes(StandardCharsets.UTF_8),
        StandardCharsets.UTF_8).contains("FILE"));
  }
}
