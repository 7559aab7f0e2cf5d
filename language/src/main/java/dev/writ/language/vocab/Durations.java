package dev.writ.language.vocab;

/**
 * The language's duration syntax: {@code <int><unit>} parts, units {@code d h m s} each at most
 * once and in that order, no leading zeros ({@code 30s}, {@code 1h30m}, {@code 7d}).
 */
public final class Durations {
  private Durations() {}

  /** Thrown by {@link #parse} with a message fit for a diagnostic. */
  public static final class InvalidDuration extends IllegalArgumentException {
    public InvalidDuration(String message) {
      super(message);
    }
  }

  private static final String UNITS = "dhms";
  private static final long[] SECONDS = {86_400, 3_600, 60, 1};
  private static final String UNIT_LIST = "the units are d (days), h (hours), m (minutes) and s (seconds), as in `1h30m`";
  /** Units spelt out, as other tools write them, for the "did you mean" hint only. */
  private static final java.util.Map<String, Character> WORDS = java.util.Map.ofEntries(
      java.util.Map.entry("day", 'd'), java.util.Map.entry("days", 'd'),
      java.util.Map.entry("hr", 'h'), java.util.Map.entry("hrs", 'h'), java.util.Map.entry("hour", 'h'),
      java.util.Map.entry("hours", 'h'), java.util.Map.entry("min", 'm'), java.util.Map.entry("mins", 'm'),
      java.util.Map.entry("minute", 'm'), java.util.Map.entry("minutes", 'm'), java.util.Map.entry("sec", 's'),
      java.util.Map.entry("secs", 's'), java.util.Map.entry("second", 's'), java.util.Map.entry("seconds", 's'));

  /** Seconds of a duration literal, or {@link InvalidDuration} saying what is wrong. */
  public static long parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidDuration("empty duration");
    }
    long total = 0;
    int lastUnit = -1;
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && Character.isDigit(text.charAt(i))) {
        i++;
      }
      if (i == start) {
        throw new InvalidDuration("invalid duration `" + text + "`: expected digits at `" + text.substring(i) + "`");
      }
      if (i == text.length()) {
        throw new InvalidDuration("invalid duration `" + text + "`: the number `" + text.substring(start)
            + "` has no unit (use d, h, m or s)");
      }
      String digits = text.substring(start, i);
      int wordEnd = i;
      while (wordEnd < text.length() && Character.isLetter(text.charAt(wordEnd))) {
        wordEnd++;
      }
      if (wordEnd - i > 1) {
        throw new InvalidDuration("invalid duration `" + text + "`: unknown unit `" + text.substring(i, wordEnd)
            + "`; " + UNIT_LIST);
      }
      char unitChar = text.charAt(i++);
      int unit = UNITS.indexOf(unitChar);
      if (unit < 0 && Character.isWhitespace(unitChar)) {
        throw new InvalidDuration("invalid duration `" + text + "`: a duration has no spaces and one-letter units "
            + "(d, h, m, s), such as `1h30m`");
      }
      if (unit < 0) {
        throw new InvalidDuration("invalid duration `" + text + "`: unknown unit `" + unitChar + "`; " + UNIT_LIST);
      }
      if (digits.length() > 1 && digits.charAt(0) == '0') {
        throw new InvalidDuration("invalid duration `" + text + "`: `" + digits + "` has a leading zero");
      }
      if (unit == lastUnit) {
        throw new InvalidDuration("invalid duration `" + text + "`: unit `" + unitChar + "` appears twice");
      }
      if (unit < lastUnit) {
        throw new InvalidDuration("invalid duration `" + text + "`: units must come in the order d, h, m, s");
      }
      lastUnit = unit;
      long n;
      try {
        n = Long.parseLong(digits);
        total = Math.addExact(total, Math.multiplyExact(n, SECONDS[unit]));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new InvalidDuration("invalid duration `" + text + "`: too large");
      }
    }
    return total;
  }

  /**
   * The seconds a malformed literal such as {@code 30m1h}, {@code 1h1h}, {@code 01h} or
   * {@code 15min} was probably meant to have (its parts added up, units spelt out read as their
   * letter), for a "did you mean" hint; empty when it is not made of digits-and-unit parts or
   * is too large.
   */
  public static java.util.Optional<Long> lenient(String text) {
    if (text == null || !text.matches("([0-9]+[A-Za-z]+)+")) {
      return java.util.Optional.empty();
    }
    long total = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([A-Za-z]+)").matcher(text);
    try {
      while (m.find()) {
        String word = m.group(2).toLowerCase(java.util.Locale.ROOT);
        Character unit = word.length() == 1 && UNITS.indexOf(word.charAt(0)) >= 0 ? Character.valueOf(word.charAt(0))
            : WORDS.get(word);
        if (unit == null) {
          return java.util.Optional.empty();
        }
        total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(1)), SECONDS[UNITS.indexOf(unit)]));
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(total);
  }

  /** The canonical text: largest unit first, zero parts left out, zero is {@code 0s}. */
  public static String format(long seconds) {
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long rest = seconds;
    if (rest < 0) {
      out.append('-');
      rest = -rest;
    }
    for (int u = 0; u < SECONDS.length; u++) {
      long n = rest / SECONDS[u];
      if (n > 0) {
        out.append(n).append(UNITS.charAt(u));
        rest -= n * SECONDS[u];
      }
    }
    return out.toString();
  }
}
