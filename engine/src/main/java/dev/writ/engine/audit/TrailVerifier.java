package dev.writ.engine.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a trail from the first record to the end: checks its hash chain, names the first
 * record that was altered, removed, inserted or reordered, and finds the torn tail. This is the
 * one reader of trail files: {@code writ audit verify} and {@link FileAuditTrail#open} (the
 * replay on start) both go through {@link #read}, so the cut that verify announces is the cut
 * that a restart makes.
 *
 * <p><b>The torn tail</b> is everything after the last complete commit: an unfinished last line
 * (bytes after the last newline), and before it the complete records of a commit whose last
 * record never reached the disk (they carry {@code "more": true}, see {@link TrailFormat}). A
 * crash in the middle of an append leaves exactly that, and none of it was acknowledged. Its
 * complete records are checked like any other (an altered one is damage); the unfinished line
 * is not, since a crash may have stopped anywhere in it. Everything else that is wrong is
 * damage, including an empty line.
 *
 * <p>The file is streamed through a fixed buffer, with {@code long} offsets: a trail may be
 * larger than 2 GiB. A line is held in memory only once it is complete (each record is decoded
 * from it); an unfinished last line is never held whole, however long it is.
 */
public final class TrailVerifier {
  private TrailVerifier() {}

  static final int DEFAULT_BUFFER = 1 << 16;
  /** No record is longer: the longest array, and so the longest line a writer can have made. */
  static final long MAX_LINE = Integer.MAX_VALUE - 8;

  /**
   * What reading the trail found.
   *
   * @param records the records that verify: on damage, those before the bad one; with a torn
   *     tail, those that remain once it is cut (what the store replays after a restart)
   * @param firstBadLine the first damaged line; 0 when there is no damage
   * @param problem what is wrong with that line; null when there is no damage
   * @param headHash the hash of the last of {@code records} (the genesis hash when there are none)
   * @param tornTail the torn tail that a restart cuts; null when there is none or there is damage
   */
  public record Result(long records, long firstBadLine, String problem, String headHash, TrailRepair tornTail) {
    public Result {
      if ((firstBadLine == 0) != (problem == null) || (firstBadLine != 0 && tornTail != null) || headHash == null) {
        throw new IllegalArgumentException("either damage or a torn tail, and a problem only with damage");
      }
    }

    /** Intact: no damage and no torn tail. */
    public boolean ok() {
      return firstBadLine == 0 && tornTail == null;
    }

    /** Damaged (altered, removed, inserted or reordered records): not something a crash leaves. */
    public boolean damaged() {
      return firstBadLine != 0;
    }
  }

  /** Each verified record, for a caller that keeps them (the replay on start). */
  interface Sink {
    /**
     * @param start the offset of the line's first byte
     * @throws IllegalArgumentException when the record cannot be used (it is then damage at its line)
     */
    void record(TrailFormat.Parsed parsed, String line, long start);
  }

  /**
   * Where reading starts: at byte {@code offset}, just after record {@code seq} (whose hash is
   * {@code head}) on line {@code seq}. {@link #BEGINNING} is the start of the file; a later start
   * is where a snapshot of the grant table left off, and what precedes it is taken as read.
   */
  record Start(long offset, long seq, String head) {
    static final Start BEGINNING = new Start(0, 0, TrailFormat.GENESIS);
  }

  public static Result verify(Path file) throws IOException {
    return verify(file, DEFAULT_BUFFER);
  }

  static Result verify(Path file, int bufferSize) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(file, in, bufferSize, Start.BEGINNING, (p, line, start) -> { });
    }
  }

  /**
   * Reads {@code in} from {@code from} to its end with positional reads (its position is left alone).
   * {@code sink} gets every record that verifies, in order, including those of a torn tail's
   * unfinished commit: a caller that keeps records drops the last {@code tornTail().records()}.
   */
  static Result read(Path file, FileChannel in, int bufferSize, Start from, Sink sink) throws IOException {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("buffer size " + bufferSize);
    }
    Chain chain = new Chain(file, sink, from);
    byte[] a = new byte[bufferSize];
    ByteBuffer buf = ByteBuffer.wrap(a);
    long pos = from.offset(); // the offset of the next byte to read
    int lo = 0;          // a[lo, hi) is read and not yet consumed; a[lo] is at offset pos - (hi - lo)
    int hi = 0;
    int scanned = 0;     // a[lo, scanned) holds no newline
    long longLine = -1;  // the offset of a line longer than the buffer, while its end is looked for
    while (true) {
      int nl = newline(a, scanned, hi);
      if (nl >= 0) {
        long end = pos - (hi - nl); // the offset of the newline
        Result damage;
        if (longLine >= 0) {
          damage = chain.line(longLine, end, longLine(file, in, longLine, end));
          longLine = -1;
        } else {
          damage = chain.line(end - (nl - lo), end, new String(a, lo, nl - lo, StandardCharsets.UTF_8));
        }
        if (damage != null) {
          return damage;
        }
        lo = nl + 1;
        scanned = lo;
        continue;
      }
      // No newline in a[lo, hi): keep the start of the line and read on.
      if (longLine < 0 && lo > 0) {
        System.arraycopy(a, lo, a, 0, hi - lo);
        hi -= lo;
        lo = 0;
      }
      if (longLine < 0 && hi == a.length) {
        longLine = pos - hi; // longer than the buffer: found again by its offset once it ends
      }
      if (longLine >= 0) {
        lo = 0;
        hi = 0;
      }
      scanned = hi;
      buf.limit(a.length).position(hi);
      int n = in.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
      hi += n;
    }
    return chain.end(pos);
  }

  /** The index of the first newline in {@code a[from, to)}, or -1. */
  private static int newline(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Reads a complete line longer than the buffer back from the file; null when no record can be that long. */
  private static String longLine(Path file, FileChannel in, long start, long end) throws IOException {
    long length = end - start;
    if (length > MAX_LINE) {
      return null;
    }
    byte[] bytes = new byte[(int) length];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      if (in.read(b, start + b.position()) < 0) {
        throw new IOException(file + " became shorter while it was read (at byte " + (start + b.position()) + ")");
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The chain so far: where the last complete commit ends, and what follows it. */
  private static final class Chain {
    private final Path file;
    private final Sink sink;
    private long lineNo;
    private long records;             // records that verify
    private String head = TrailFormat.GENESIS;
    private long committedRecords;    // records up to the end of the last complete commit
    private String committedHead = TrailFormat.GENESIS;
    private long committedEnd;        // the offset just after it
    private long committedLines;
    private long lastLineEnd;         // the offset just after the last complete line

    Chain(Path file, Sink sink, Start from) {
      this.file = file;
      this.sink = sink;
      lineNo = from.seq();
      records = from.seq();
      head = from.head();
      committedRecords = from.seq();
      committedHead = from.head();
      committedEnd = from.offset();
      committedLines = from.seq();
      lastLineEnd = from.offset();
    }

    /**
     * One complete line, from {@code start} to the newline at {@code end}.
     *
     * @param line its text, decoded leniently (a byte that is not UTF-8 is tampering to report
     *     at its record, not an unreadable file); null when it is too long to be a record
     * @return the damage it is, or null when it is the next record
     */
    Result line(long start, long end, String line) {
      lineNo++;
      long expected = records + 1;
      if (line == null) {
        return damage("record " + expected + " (line " + lineNo + ") is damaged: longer than any record can be ("
            + (end - start) + " bytes)");
      }
      if (line.isEmpty()) {
        return damage("line " + lineNo + " is empty where record " + expected + " should be");
      }
      TrailFormat.Parsed p;
      try {
        p = TrailFormat.parse(line);
      } catch (IllegalArgumentException e) {
        return damage("record " + expected + " (line " + lineNo + ") is damaged: " + e.getMessage());
      }
      if (!p.hashMatches()) {
        // Named by position, not by its own `seq`, which may be what was altered.
        return damage("record " + expected + " (line " + lineNo + ") was altered: its content does not match its hash");
      }
      if (p.seq() != expected) {
        return damage("record " + expected + " is missing or out of order: line " + lineNo + " holds record "
            + p.seq());
      }
      if (!p.prev().equals(head)) {
        return damage("record " + p.seq() + " (line " + lineNo
            + ") does not follow the record before it: a record was removed, inserted or reordered");
      }
      try {
        sink.record(p, line, start);
      } catch (IllegalArgumentException e) {
        return damage("record " + expected + " (line " + lineNo + ") holds an unreadable event: " + e.getMessage());
      }
      records = expected;
      head = p.hash();
      lastLineEnd = end + 1;
      if (!p.more()) {
        committedRecords = records;
        committedHead = head;
        committedEnd = end + 1;
        committedLines = lineNo;
      }
      return null;
    }

    private Result damage(String problem) {
      return new Result(records, lineNo, problem, head, null);
    }

    /** The end of the file, at {@code size}: whatever follows the last complete commit is the torn tail. */
    Result end(long size) {
      if (size == committedEnd) {
        return new Result(records, 0, null, head, null);
      }
      TrailRepair tail = new TrailRepair(file, committedEnd, committedLines + 1, size - committedEnd,
          records - committedRecords, size > lastLineEnd);
      return new Result(committedRecords, 0, null, committedHead, tail);
    }
  }
}
