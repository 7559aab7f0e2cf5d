package dev.writ.engine.audit;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the records of a trail file after a given seq, exactly as stored, while a service may
 * be writing it: up to the end of the last complete commit found (never a line still being
 * written, nor the records of a commit whose last record is not there yet, which a crash would
 * cut). It reads the file without taking its lock and without checking the chain; {@code writ
 * audit verify} does that. Records up to {@code after} are skipped by their {@code seq} alone
 * (the first field of every line), without being decoded.
 */
public final class TrailExport {
  private TrailExport() {}

  /** How many records were written, the last one's seq (0: none) and the hash it states. */
  public record Result(long records, long lastSeq, String head) {}

  private static final String MORE = ",\"more\":true,\"prev\":\"";
  private static final int FRAME = MORE.length() + 64 + 1 + ",\"hash\":\"".length() + 64 + 2;

  /**
   * @throws NoSuchFileException when there is no trail
   * @throws IOException when it cannot be read, or {@code out} written
   * @throws AuditException when a line is not a record
   */
  public static Result export(Path file, long after, Writer out) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      FileAuditTrail.LineReader lines = new FileAuditTrail.LineReader(in, 0, in.size());
      List<String> commit = new ArrayList<>();
      long n = 0;
      long last = 0;
      String head = TrailFormat.GENESIS;
      long lineNo = 0;
      String line;
      while ((line = lines.next()) != null) {
        lineNo++;
        long seq = seq(line, file, lineNo);
        if (seq <= after) {
          continue;
        }
        commit.add(line);
        boolean more = line.length() >= FRAME && line.startsWith(MORE, line.length() - FRAME);
        if (!more) {
          for (String l : commit) {
            out.write(l);
            out.write('\n');
          }
          n += commit.size();
          commit.clear();
          last = seq;
          head = line.substring(line.length() - 66, line.length() - 2);
        }
      }
      out.flush();
      return new Result(n, last, head);
    }
  }

  /** The {@code seq} a line starts with ({@code {"seq":N,...}}). */
  private static long seq(String line, Path file, long lineNo) {
    int i = "{\"seq\":".length();
    int j = i;
    while (j < line.length() && Character.isDigit(line.charAt(j))) {
      j++;
    }
    if (!line.startsWith("{\"seq\":") || j == i || j - i > 18) {
      throw new AuditException(file + ": line " + lineNo + " is not an audit record; run `writ audit verify " + file
          + "` for details");
    }
    return Long.parseLong(line.substring(i, j));
  }
}
