package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torn tail (what a crash during an append leaves: an unfinished last line, the records of a
 * commit whose last record is missing) is told from tampering. {@code verify} reports exactly
 * the cut that opening the trail then makes, and opening reports the cut it made.
 *
 * <p>The trail: records 1-2 are one commit, 3 is one, 4-6 are one, 7 is one.
 */
class TornTailTest {
  @TempDir
  Path dir;
  Path file;
  byte[] intact;
  /** lineStart[i] is the byte where line i + 1 starts; lineStart[7] is the size. */
  final long[] lineStart = new long[8];
  /** heads[n] is the head after n records. */
  final List<String> heads = new ArrayList<>();

  @BeforeEach
  void write() throws IOException {
    file = dir.resolve("audit.jsonl");
    heads.add(TrailFormat.GENESIS);
    try (FileAuditTrail trail = FileAuditTrail.open(file)) {
      for (List<Integer> commit : List.of(List.of(1, 2), List.of(3), List.of(4, 5, 6), List.of(7))) {
        for (AuditRecord r : trail.append(commit.stream().map(TrailTamperingTest::event).toList())) {
          heads.add(r.hash());
        }
      }
    }
    intact = Files.readAllBytes(file);
    int line = 1;
    for (int i = 0; i < intact.length; i++) {
      if (intact[i] == '\n') {
        lineStart[line++] = i + 1;
      }
    }
    assertEquals(8, line);
  }

  void cutAt(long size) throws IOException {
    Files.write(file, Arrays.copyOf(intact, Math.toIntExact(size)));
  }

  TrailRepair tail(int line, long bytes, long records, boolean unfinishedLine) {
    return new TrailRepair(file, lineStart[line - 1], line, bytes, records, unfinishedLine);
  }

  /** verify reports the torn tail, opening cuts exactly it, and what is left is intact with the same head. */
  void assertTorn(TrailRepair expected, long recordsLeft) throws IOException {
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertFalse(r.damaged(), r::problem);
    assertFalse(r.ok(), "a torn tail is not intact");
    assertEquals(expected, r.tornTail());
    assertEquals(recordsLeft, r.records());
    assertEquals(heads.get((int) recordsLeft), r.headHash());
    try (FileAuditTrail reopened = FileAuditTrail.open(file)) {
      assertEquals(Optional.of(expected), reopened.repair());
      assertTrue(reopened.repairedTail());
      assertEquals(recordsLeft, reopened.records().size());
      assertEquals(r.headHash(), reopened.head(), "verify printed the head the store has after the restart");
    }
    assertEquals(expected.offset(), Files.size(file));
    TrailVerifier.Result after = TrailVerifier.verify(file);
    assertTrue(after.ok(), after::problem);
    assertNull(after.tornTail());
    assertEquals(r.headHash(), after.headHash());
    try (FileAuditTrail again = FileAuditTrail.open(file)) {
      assertEquals(Optional.empty(), again.repair(), "a repair is reported by the open that made it");
    }
  }

  @Test
  void anUnfinishedLastLineIsATornTail() throws IOException {
    cutAt(lineStart[6] + 40);
    assertTorn(tail(7, 40, 0, true), 6);
  }

  @Test
  void aLastRecordWithoutItsNewlineIsATornTail() throws IOException {
    cutAt(intact.length - 1);
    assertTorn(tail(7, lineStart[7] - 1 - lineStart[6], 0, true), 6);
  }

  @Test
  void aCommitWithoutItsLastRecordIsATornTail() throws IOException {
    cutAt(lineStart[5]); // records 4 and 5 of the commit 4-6
    assertTorn(tail(4, lineStart[5] - lineStart[3], 2, false), 3);
  }

  @Test
  void aCommitCutInItsLastRecordIsATornTail() throws IOException {
    cutAt(lineStart[5] + 1);
    assertTorn(tail(4, lineStart[5] + 1 - lineStart[3], 2, true), 3);
  }

  @Test
  void aCommitCutInItsFirstRecordIsATornTail() throws IOException {
    cutAt(lineStart[3] + 1);
    assertTorn(tail(4, 1, 0, true), 3);
  }

  @Test
  void aCutAtTheEndOfACommitLeavesAnIntactTrail() throws IOException {
    for (int commitEnd : new int[] {6, 3, 2, 0}) {
      cutAt(lineStart[commitEnd]);
      TrailVerifier.Result r = TrailVerifier.verify(file);
      assertTrue(r.ok(), r::problem);
      assertNull(r.tornTail());
      assertEquals(commitEnd, r.records());
      assertEquals(heads.get(commitEnd), r.headHash());
    }
  }

  @Test
  void theRepairNamesFileByteLineAndWhatWasCut() throws IOException {
    cutAt(lineStart[5] + 10);
    TrailRepair repair;
    try (FileAuditTrail reopened = FileAuditTrail.open(file)) {
      repair = reopened.repair().orElseThrow();
    }
    long bytes = lineStart[5] + 10 - lineStart[3];
    assertEquals("the audit trail " + file + " ended in a torn tail, as a crash during a write leaves it (never "
        + "acknowledged); cut " + bytes + " bytes from byte " + lineStart[3] + " (line 4) to the end: an unfinished "
        + "commit of 2 records (its last record never reached the disk) and an unfinished last line", repair.message());
    assertEquals("an unfinished last line", tail(7, 3, 0, true).why());
    assertEquals("an unfinished commit of 1 record (its last record never reached the disk)",
        tail(4, 3, 1, false).why());
  }

  // Tampering stays tampering, even next to a torn tail.

  void assertDamaged(long line, String problemStart) throws IOException {
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertTrue(r.damaged(), "not detected");
    assertNull(r.tornTail());
    assertEquals(line, r.firstBadLine(), r::problem);
    assertTrue(r.problem().startsWith(problemStart), r::problem);
    byte[] before = Files.readAllBytes(file);
    AuditException e = assertThrows(AuditException.class, () -> FileAuditTrail.open(file));
    assertTrue(e.getMessage().contains("damaged at line " + line), e::getMessage);
    assertTrue(e.getMessage().contains(file.toString()), e::getMessage);
    assertArrayEquals(before, Files.readAllBytes(file), "a damaged trail is left as it was");
  }

  byte[] flipped(byte[] bytes, long pos) {
    byte[] b = bytes.clone();
    b[(int) pos] ^= 0x01;
    return b;
  }

  @Test
  void anAlteredCompleteLastRecordIsTampering() throws IOException {
    Files.write(file, flipped(intact, lineStart[6] + 30));
    assertDamaged(7, "record 7 (line 7) was altered");
  }

  @Test
  void anAlteredRecordOfAnUnfinishedCommitIsTampering() throws IOException {
    Files.write(file, flipped(Arrays.copyOf(intact, (int) lineStart[5]), lineStart[3] + 30));
    assertDamaged(4, "record 4 (line 4) was altered");
  }

  @Test
  void anAlteredRecordBeforeATornTailIsTampering() throws IOException {
    Files.write(file, flipped(Arrays.copyOf(intact, (int) lineStart[6] + 40), lineStart[1] + 30));
    assertDamaged(2, "record 2 (line 2) was altered");
  }

  @Test
  void aRemovedRecordBeforeATornTailIsTampering() throws IOException {
    byte[] cut = Arrays.copyOf(intact, (int) lineStart[6] + 40);
    byte[] without = new byte[cut.length - (int) (lineStart[3] - lineStart[2])];
    System.arraycopy(cut, 0, without, 0, (int) lineStart[2]);
    System.arraycopy(cut, (int) lineStart[3], without, (int) lineStart[2], cut.length - (int) lineStart[3]);
    Files.write(file, without);
    assertDamaged(3, "record 3 is missing or out of order");
  }

  @Test
  void aCompleteLineThatIsNoRecordIsTampering() throws IOException {
    Files.write(file, (new String(intact, StandardCharsets.UTF_8) + "{\"seq\":8}\n").getBytes(StandardCharsets.UTF_8));
    assertDamaged(8, "record 8 (line 8) is damaged");
  }

  @Test
  void anEmptyLineIsTamperingForOpenAsForVerify() throws IOException {
    // Opening used to skip empty lines that verify reported: the two now read the trail alike.
    Files.write(file, (new String(intact, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
    assertDamaged(8, "line 8 is empty where record 8 should be");
    String[] lines = new String(intact, StandardCharsets.UTF_8).split("\n");
    List<String> withGap = new ArrayList<>(List.of(lines));
    withGap.add(3, "");
    Files.writeString(file, String.join("\n", withGap) + "\n");
    assertDamaged(4, "line 4 is empty where record 4 should be");
  }

  // The streaming reader: lines longer than its buffer, cut anywhere, read alike.

  @Test
  void everyBufferSizeReadsTheTrailAlike() throws IOException {
    long longest = 0;
    for (int i = 0; i < 7; i++) {
      longest = Math.max(longest, lineStart[i + 1] - lineStart[i]);
    }
    List<byte[]> variants = List.of(intact, Arrays.copyOf(intact, (int) lineStart[6] + 40),
        Arrays.copyOf(intact, (int) lineStart[5]), Arrays.copyOf(intact, (int) lineStart[5] + 7),
        flipped(intact, lineStart[4] + 3), Arrays.copyOf(intact, 1), new byte[0]);
    for (byte[] variant : variants) {
      Files.write(file, variant);
      TrailVerifier.Result expected = TrailVerifier.verify(file);
      for (int size : new int[] {1, 2, 3, 16, 255, (int) longest - 1, (int) longest, (int) longest + 1,
          intact.length, 1 << 20}) {
        Files.write(file, variant);
        String what = "buffer " + size + ", " + variant.length + " bytes";
        assertEquals(expected, TrailVerifier.verify(file, size), what);
        if (expected.damaged()) {
          assertThrows(AuditException.class, () -> FileAuditTrail.open(file, size), what);
          continue;
        }
        try (FileAuditTrail t = FileAuditTrail.open(file, size)) {
          assertEquals(expected.headHash(), t.head(), what);
          assertEquals(expected.records(), t.records().size(), what);
          assertEquals(Optional.ofNullable(expected.tornTail()), t.repair(), what);
          for (AuditRecord r : t.records()) {
            int seq = (int) r.seq();
            assertEquals(new String(intact, (int) lineStart[seq - 1], (int) (lineStart[seq] - lineStart[seq - 1] - 1),
                StandardCharsets.UTF_8), r.line(), what);
          }
        }
      }
    }
  }

  // Size: a trail larger than 2 GiB opens. A sparse file keeps the test quick: 7 records and then
  // more than 2 GiB of zeros without a newline, which is an unfinished last line that opening cuts.

  @Test
  void aTrailLargerThan2GiBOpensAndItsTornTailIsCut() throws IOException {
    long size = (1L << 31) + (1 << 16);
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), size - 1); // sparse: a hole up to the last byte
    }
    assertEquals(size, Files.size(file));
    TrailRepair expected = new TrailRepair(file, intact.length, 8, size - intact.length, 0, true);
    assertTrue(expected.bytes() > Integer.MAX_VALUE);
    // (Only the open: verify reads through the same code, and the test below has verify read past 2 GiB.)
    try (FileAuditTrail opened = FileAuditTrail.open(file)) {
      assertEquals(Optional.of(expected), opened.repair());
      assertEquals(7, opened.records().size());
      assertEquals(heads.get(7), opened.head());
    }
    assertEquals(intact.length, Files.size(file));
  }

  @Test
  void aCompleteLineLongerThanAnyRecordIsDamage() throws IOException {
    // 2 GiB and more of zeros, then a newline: no record is that long. Before, verify died of
    // OutOfMemoryError ("Required array length ... is too large") reading this line.
    long size = (1L << 31) + (1 << 16);
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), size - 1);
    }
    TrailVerifier.Result r = TrailVerifier.verify(file);
    assertNotNull(r.problem());
    assertEquals(8, r.firstBadLine(), r::problem);
    assertTrue(r.problem().startsWith("record 8 (line 8) is damaged: longer than any record can be ("
        + (size - 1 - intact.length) + " bytes)"), r::problem);
    assertEquals(7, r.records());
  }
}
