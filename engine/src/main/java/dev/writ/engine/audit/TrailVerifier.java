package dev.writ.engine.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a trail's hash chain from the first record to the last and names the first record
 * that was altered, removed or reordered.
 */
public final class TrailVerifier {
  private TrailVerifier() {}

  /** @param firstBadLine 0 when the chain is intact */
  public record Result(long records, long firstBadLine, String problem, String headHash) {
    public boolean ok() {
      return firstBadLine == 0;
    }
  }

  public static Result verify(Path file) throws IOException {
    // Decoded leniently: a flipped byte that is not valid UTF-8 is tampering to report at its
    // record (the hash no longer matches), not an unreadable file.
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8))) {
      String prev = TrailFormat.GENESIS;
      long expected = 1;
      long lineNo = 0;
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          return new Result(expected - 1, lineNo, "line " + lineNo + " is empty where record " + expected
              + " should be", prev);
        }
        TrailFormat.Parsed p;
        try {
          p = TrailFormat.parse(line);
        } catch (IllegalArgumentException e) {
          return new Result(expected - 1, lineNo, "record " + expected + " (line " + lineNo + ") is damaged: "
              + e.getMessage(), prev);
        }
        if (!p.hashMatches()) {
          // Named by position, not by its own `seq`, which may be what was altered.
          return new Result(expected - 1, lineNo, "record " + expected + " (line " + lineNo
              + ") was altered: its content does not match its hash", prev);
        }
        if (p.seq() != expected) {
          return new Result(expected - 1, lineNo, "record " + expected + " is missing or out of order: line "
              + lineNo + " holds record " + p.seq(), prev);
        }
        if (!p.prev().equals(prev)) {
          return new Result(expected - 1, lineNo, "record " + p.seq() + " (line " + lineNo
              + ") does not follow the record before it: a record was removed, inserted or reordered", prev);
        }
        prev = p.hash();
        expected++;
      }
      return new Result(expected - 1, 0, null, prev);
    }
  }
}
