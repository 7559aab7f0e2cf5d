package dev.writ.language.parse;

/**
 * ANTLR indexes its input by code point; our spans index by UTF-16 char, as Java strings do.
 * This maps one to the other, and costs nothing when the text has no supplementary characters.
 */
final class OffsetMap {
  private final int[] charOffsets; // null when code point index == char index

  OffsetMap(String text) {
    boolean surrogates = false;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isSurrogate(text.charAt(i))) {
        surrogates = true;
        break;
      }
    }
    if (!surrogates) {
      charOffsets = null;
      return;
    }
    int cps = text.codePointCount(0, text.length());
    charOffsets = new int[cps + 1];
    int c = 0;
    for (int cp = 0; cp < cps; cp++) {
      charOffsets[cp] = c;
      c += Character.charCount(text.codePointAt(c));
    }
    charOffsets[cps] = text.length();
  }

  int toChar(int codePointIndex) {
    if (charOffsets == null) {
      return codePointIndex;
    }
    return charOffsets[Math.max(0, Math.min(codePointIndex, charOffsets.length - 1))];
  }
}
