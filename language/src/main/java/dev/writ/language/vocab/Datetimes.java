package dev.writ.language.vocab;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms Cedar's {@code datetime("...")} accepts: {@code 2026-06-15},
 * {@code 2026-06-15T10:00:00Z}, with milliseconds {@code 2026-06-15T10:00:00.250Z}, and with an
 * offset instead of {@code Z} ({@code 2026-06-15T12:00:00+0200}). Shared by the checker and the
 * evaluator.
 */
public final class Datetimes {
  private Datetimes() {}

  private static final Pattern FORM = Pattern.compile(
      "([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{3}))?(Z|[+-][0-9]{4}))?");

  /** The instant, or null when the text is not one of the forms. */
  public static Instant parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return null;
    }
    try {
      LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
          Integer.parseInt(m.group(6)), m.group(7) == null ? 0 : Integer.parseInt(m.group(7)) * 1_000_000);
      String zone = m.group(8);
      ZoneOffset offset = zone.equals("Z") ? ZoneOffset.UTC : ZoneOffset.ofHoursMinutes(
          Integer.parseInt(zone.substring(0, 3)), Integer.parseInt(zone.charAt(0) + zone.substring(3)));
      return date.atTime(time).toInstant(offset);
    } catch (DateTimeException e) {
      return null;
    }
  }

  public static String problem(String text) {
    return parse(text) == null ? "`" + text + "` is not a datetime such as `2026-06-15`, `2026-06-15T10:00:00Z`, "
        + "`2026-06-15T10:00:00.250Z` or `2026-06-15T12:00:00+0200`" : null;
  }
}
