package dev.writ.engine.json;

import java.io.IOException;
import java.io.Writer;

/**
 * JSON text written into one large character buffer that goes to a {@link Writer} in big chunks:
 * for a stream of small objects of a fixed shape (the decisions of {@code writ eval --requests}),
 * whose fixed parts are copied as pre-written fragments ({@link #raw}) instead of going token by
 * token through a generator's state. Strings are quoted and escaped exactly as Jackson's
 * {@code WriterBasedJsonGenerator} does with the default settings ({@code "} and {@code \} with a
 * backslash; backspace, tab, line feed, form feed and carriage return as a backslash and b, t, n, f, r;
 * the other characters below U+0020 as a backslash, u00 and two hex digits, upper-case hex; everything else, lone
 * surrogates included, as it is), so that the text is the generator's, character for character
 * ({@code JsonTextProperties}). Not thread-safe: one per output.
 */
public final class JsonText {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Writer out;
  private char[] buf = new char[1 << 12]; // 8 KB: stays in the first-level cache beside the strings it copies
  private int n;

  public JsonText(Writer out) {
    this.out = out;
  }

  /** A fragment of JSON text written once (field names, punctuation, quoted constants). */
  public static char[] fragment(String text) {
    return text.toCharArray();
  }

  /** Copies pre-written text as it is. */
  public void raw(char[] text) throws IOException {
    int len = text.length;
    ensure(len);
    System.arraycopy(text, 0, buf, n, len);
    n += len;
  }

  public void raw(char c) throws IOException {
    ensure(1);
    buf[n++] = c;
  }

  private static final char[] NULL = fragment("null");

  /** Writes {@code s} quoted, with Jackson's escapes ({@code null} for null, as the generator does). */
  public void string(String s) throws IOException {
    if (s == null) {
      raw(NULL);
      return;
    }
    int len = s.length();
    ensure(len + 2);
    char[] b = buf;
    int at = n;
    b[at++] = '"';
    s.getChars(0, len, b, at); // one bulk copy, then a scan of the copy for what needs escaping
    int end = at + len;
    for (int i = at; i < end; i++) {
      char c = b[i];
      if (c < 0x20 || c == '"' || c == '\\') {
        n = i;
        escaped(s, i - at);
        raw('"');
        return;
      }
    }
    b[end] = '"';
    n = end + 1;
  }

  /** Writes {@code s[from...]} with escapes (the slow path, once a character needs one). */
  private void escaped(String s, int from) throws IOException {
    int len = s.length();
    for (int i = from; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        raw(c);
        continue;
      }
      ensure(6);
      char[] b = buf;
      b[n++] = '\\';
      switch (c) {
        case '"', '\\' -> b[n++] = c;
        case '\b' -> b[n++] = 'b';
        case '\t' -> b[n++] = 't';
        case '\n' -> b[n++] = 'n';
        case '\f' -> b[n++] = 'f';
        case '\r' -> b[n++] = 'r';
        default -> {
          b[n++] = 'u';
          b[n++] = '0';
          b[n++] = '0';
          b[n++] = HEX[c >> 4];
          b[n++] = HEX[c & 0xF];
        }
      }
    }
  }

  public void number(long v) throws IOException {
    if (v >= 0 && v < 10) {
      raw((char) ('0' + v));
      return;
    }
    String s = Long.toString(v);
    ensure(s.length());
    s.getChars(0, s.length(), buf, n);
    n += s.length();
  }

  /** Hands the buffered text to the writer and flushes it. */
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (n > 0) {
      out.write(buf, 0, n);
      n = 0;
    }
  }

  private void ensure(int more) throws IOException {
    if (n + more > buf.length) {
      drain();
      if (more > buf.length) {
        buf = new char[Math.max(more, buf.length * 2)];
      }
    }
  }
}
