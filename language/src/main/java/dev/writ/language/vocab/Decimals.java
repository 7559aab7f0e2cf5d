package dev.writ.language.vocab;

import java.util.regex.Pattern;

/**
 * Cedar's decimal values: at most four digits after the point, stored as a 64-bit count of
 * ten-thousandths ({@code 1.5} is 15000). Both the checker (literal arguments) and the
 * evaluator parse with this class, so they agree on what is a decimal.
 */
public final class Decimals {
  private Decimals() {}

  /** Digits, a point, one to four digits; an optional leading minus (Cedar's grammar). */
  private static final Pattern FORM = Pattern.compile("-?[0-9]+\\.[0-9]{1,4}");

  public static final class InvalidDecimal extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidDecimal(String message) {
      super(message, null, false, false);
    }
  }

  /** The value in ten-thousandths. */
  public static long parse(String text) throws InvalidDecimal {
    if (!FORM.matcher(text).matches()) {
      throw new InvalidDecimal("`" + text + "` is not a decimal such as `1.2345` (digits, a point, at most four "
          + "digits)");
    }
    boolean negative = text.startsWith("-");
    String body = negative ? text.substring(1) : text;
    int point = body.indexOf('.');
    String fraction = (body.substring(point + 1) + "000").substring(0, 4);
    try {
      long whole = Long.parseLong(body.substring(0, point));
      long scaled = Math.addExact(Math.multiplyExact(whole, 10_000L), Long.parseLong(fraction));
      return negative ? Math.negateExact(scaled) : scaled;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidDecimal("`" + text + "` is outside the decimal range (about ±922337203685477)");
    }
  }

  /** The canonical text: at least one digit after the point, no trailing zeros beyond it. */
  public static String format(long scaled) {
    String sign = scaled < 0 ? "-" : "";
    String digits = Long.toString(scaled).replace("-", "");
    while (digits.length() < 5) {
      digits = "0" + digits;
    }
    String whole = digits.substring(0, digits.length() - 4);
    String fraction = digits.substring(digits.length() - 4).replaceAll("0+$", "");
    return sign + whole + "." + (fraction.isEmpty() ? "0" : fraction);
  }
}
