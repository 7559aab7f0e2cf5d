package dev.writ.engine.audit;

import java.time.Instant;

/**
 * {@link Instant#toString()}, without running the ISO formatter for every event: the text up to
 * the seconds is kept for the last second formatted (the events of a busy service share it), and
 * the fraction is appended as {@code DateTimeFormatter.ISO_INSTANT} writes it (none, or 3, 6 or
 * 9 digits, as few as show the nanoseconds). InstantTextProperties holds it to {@code toString}.
 */
final class InstantText {
  private InstantText() {}

  /** The text of one second, without its {@code Z}: {@code 2026-12-02T03:04:05}. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(0, "1970-01-01T00:00:00");

  static String of(Instant t) {
    long s = t.getEpochSecond();
    Second c = last;
    if (c.epochSecond() != s) {
      String whole = Instant.ofEpochSecond(s).toString();
      c = new Second(s, whole.substring(0, whole.length() - 1));
      last = c;
    }
    int nano = t.getNano();
    if (nano == 0) {
      return c.text() + "Z";
    }
    int digits;
    int value;
    if (nano % 1_000_000 == 0) {
      digits = 3;
      value = nano / 1_000_000;
    } else if (nano % 1000 == 0) {
      digits = 6;
      value = nano / 1000;
    } else {
      digits = 9;
      value = nano;
    }
    String prefix = c.text();
    char[] out = new char[prefix.length() + 2 + digits];
    prefix.getChars(0, prefix.length(), out, 0);
    int at = prefix.length();
    out[at] = '.';
    for (int i = at + digits; i > at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    out[out.length - 1] = 'Z';
    return new String(out);
  }
}
