package dev.writ.lsp;

import java.util.Arrays;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * Offsets into a text and LSP positions, both ways. Spans of the front end index UTF-16 chars,
 * as Java strings do, and LSP positions count UTF-16 code units within a line by default, so a
 * column is an offset minus its line start; only the line table is needed. Lines end at
 * {@code \n}, {@code \r\n} or a lone {@code \r}, as the protocol says.
 */
final class LineMap {
  private final String text;
  private final int[] starts;

  LineMap(String text) {
    this.text = text;
    int[] s = new int[16];
    int n = 0;
    s[n++] = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean end = c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
      if (end) {
        if (n == s.length) {
          s = Arrays.copyOf(s, n * 2);
        }
        s[n++] = i + 1;
      }
    }
    this.starts = Arrays.copyOf(s, n);
  }

  Position position(int offset) {
    int o = Math.max(0, Math.min(offset, text.length()));
    int idx = Arrays.binarySearch(starts, o);
    int line = idx >= 0 ? idx : -idx - 2;
    return new Position(line, o - starts[line]);
  }

  Range range(int start, int end) {
    return new Range(position(start), position(end));
  }

  /** The offset of a position; past the end of a line means its end, past the last line the text's end. */
  int offset(Position p) {
    if (p.getLine() < 0) {
      return 0;
    }
    if (p.getLine() >= starts.length) {
      return text.length();
    }
    int start = starts[p.getLine()];
    int lineEnd = p.getLine() + 1 < starts.length ? starts[p.getLine() + 1] : text.length();
    while (lineEnd > start && (text.charAt(lineEnd - 1) == '\n' || text.charAt(lineEnd - 1) == '\r')) {
      lineEnd--;
    }
    return Math.min(start + Math.max(0, p.getCharacter()), lineEnd);
  }

  /** The range of the whole text, for a whole-document edit. */
  Range whole() {
    return range(0, text.length());
  }
}
