package dev.writ.engine.audit;

import java.nio.file.Path;

/**
 * A torn tail: what a crash in the middle of an append leaves at the end of a trail, and what
 * opening the trail cuts off. It is the bytes from the end of the last complete commit to the
 * end of the file: the records of a commit whose last record never reached the disk, and an
 * unfinished last line (see {@link TrailFormat}). None of it was acknowledged, because an
 * append forces its bytes to disk before it returns. {@link TrailVerifier} is the one place
 * that decides what a torn tail is: {@code writ audit verify} reports the value that a restart
 * ({@link FileAuditTrail#open}) will then cut, and {@link FileAuditTrail#repair()} the one it cut.
 *
 * @param file the trail
 * @param offset the byte the cut starts from (the end of the last complete commit): the size of the trail after it
 * @param line the first line cut (1-based)
 * @param bytes how many bytes are cut
 * @param records how many complete records are cut (the records of the unfinished commit)
 * @param unfinishedLine whether the trail ends in a line without its newline (also cut)
 */
public record TrailRepair(Path file, long offset, long line, long bytes, long records, boolean unfinishedLine) {
  public TrailRepair {
    if (file == null || offset < 0 || line < 1 || bytes < 1 || records < 0 || (records == 0 && !unfinishedLine)) {
      throw new IllegalArgumentException("not a torn tail: " + offset + ", " + line + ", " + bytes + ", " + records
          + ", " + unfinishedLine);
    }
  }

  /** What is cut, in words: "an unfinished last line", "an unfinished commit of 2 records", or both. */
  public String why() {
    String commit = records == 0 ? null
        : "an unfinished commit of " + records + " record" + (records == 1 ? "" : "s") + " (its last record never "
        + "reached the disk)";
    if (commit == null) {
      return "an unfinished last line";
    }
    return unfinishedLine ? commit + " and an unfinished last line" : commit;
  }

  /** Where the cut is: "345 bytes from byte 1234 (line 5) to the end". */
  public String where() {
    return bytes + " byte" + (bytes == 1 ? "" : "s") + " from byte " + offset + " (line " + line + ") to the end";
  }

  /** The sentence to log when opening the trail made this cut. */
  public String message() {
    return "the audit trail " + file + " ended in a torn tail, as a crash during a write leaves it (never "
        + "acknowledged); cut " + where() + ": " + why();
  }
}
