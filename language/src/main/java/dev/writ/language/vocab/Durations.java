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
      char unitChar = text.charAt(i++);
      int unit = UNITS.indexOf(unitChar);
      if (unit < 0 && Character.isWhitespace(unitChar)) {
        throw new InvalidDuration("invalid duration `" + text + "`: a duration has no spaces and one-letter units "
            + "(d, h, m, s), such as `1h30m`");
      }
      if (unit < 0) {
        throw new InvalidDuration("invalid duration `" + text + "`: unknown unit `" + unitChar + "` (use d, h, m or s)");
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
   * The seconds a malformed literal such as {@code 30m1h}, {@code 1h1h} or {@code 01h} was
   * probably meant to have (its parts added up), for a "did you mean" hint; empty when it is
   * not made of digits-and-unit parts or is too large.
   */
  public static java.util.Optional<Long> lenient(String text) {
    if (text == null || !text.matches("([0-9]+[dhms])+")) {
      return java.util.Optional.empty();
    }
    long total = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([dhms])").matcher(text);
    try {
      while (m.find()) {
        total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(1)), SECONDS[UNITS.indexOf(m.group(2))]));
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
