package dev.writ.language.source;

import java.util.Arrays;
import java.util.Objects;

/**
 * The text of one policy file with its display path and a table of line starts, so that
 * offsets in {@link Span}s can be turned into line and column numbers for diagnostics.
 */
public final class SourceFile {
  private final String path;
  private final String text;
  private final int[] lineStarts;

  public SourceFile(String path, String text) {
    this.path = Objects.requireNonNull(path, "path");
    this.text = Objects.requireNonNull(text, "text");
    int[] starts = new int[16];
    int n = 0;
    starts[n++] = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        if (n == starts.length) {
          starts = Arrays.copyOf(starts, n * 2);
        }
        starts[n++] = i + 1;
      }
    }
    this.lineStarts = Arrays.copyOf(starts, n);
  }

  public String path() {
    return path;
  }

  public String text() {
    return text;
  }

  /** 1-based line of an offset. */
  public int line(int offset) {
    int idx = Arrays.binarySearch(lineStarts, Math.max(0, Math.min(offset, text.length())));
    return (idx >= 0 ? idx : -idx - 2) + 1;
  }

  /** 1-based column of an offset (counted in characters). */
  public int column(int offset) {
    int clamped = Math.max(0, Math.min(offset, text.length()));
    return clamped - lineStarts[line(clamped) - 1] + 1;
  }

  public int lineCount() {
    return lineStarts.length;
  }

  /** The text of a 1-based line without its line terminator. */
  public String lineText(int line) {
    if (line < 1 || line > lineStarts.length) {
      return "";
    }
    int start = lineStarts[line - 1];
    int end = line < lineStarts.length ? lineStarts[line] : text.length();
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(start, end);
  }

  private final java.util.Map<Integer, String> positions = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * {@code path:line:col} of an offset. The same offset gives the same string instance: compiled
   * plans keep a position per expression, and a condition and its expression share one.
   */
  public String position(int offset) {
    return positions.computeIfAbsent(offset, o -> path + ":" + line(o) + ":" + column(o));
  }

  @Override
  public String toString() {
    return "SourceFile[" + path + "]";
  }
}
