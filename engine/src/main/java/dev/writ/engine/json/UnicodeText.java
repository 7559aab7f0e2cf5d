package dev.writ.engine.json;

/**
 * What valid Unicode text is, for every reader of input: a string in which every surrogate is
 * half of a pair (high then low). A lone surrogate (a JSON escape of U+D800 alone) is no character: it
 * cannot be encoded as UTF-8, so a value holding one would not survive being stored and read
 * back (the audit trail would replay it as {@code ?}).
 */
public final class UnicodeText {
  static final String NOT_VALID = "not valid Unicode";
  static final String HINT = "a character beyond U+FFFF is written as a pair of escapes, such as \\ud83d\\ude00";

  private UnicodeText() {}

  /** Whether every surrogate in the text is half of a pair. */
  public static boolean isValid(CharSequence s) {
    return loneSurrogate(s) < 0;
  }

  /** The index of the first lone surrogate, or -1 when there is none. */
  public static int loneSurrogate(CharSequence s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code not valid Unicode: it holds a lone surrogate (}the escape{@code ) at character 3; ...}, for messages. */
  static String problem(String s, int at) {
    return NOT_VALID + ": it holds a lone surrogate (" + escape(s.charAt(at)) + ") at character "
        + (s.codePointCount(0, at) + 1) + "; " + HINT;
  }

  /** The text with its lone surrogates written as JSON escapes, shortened when long: safe to print. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    int n = s.length();
    int i = 0;
    for (; i < n && out.length() < 80; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(escape(c));
      } else {
        out.append(c);
      }
    }
    return i < n ? out + "..." : out.toString();
  }

  private static String escape(char c) {
    return String.format(java.util.Locale.ROOT, "\\u%04x", (int) c);
  }
}
