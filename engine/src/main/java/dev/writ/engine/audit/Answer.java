package dev.writ.engine.audit;

import java.util.Locale;

/** The answer to an action check ({@code allow}, {@code deny} or {@code revoke}), as the trail and the API write it. */
public enum Answer {
  ALLOW, DENY, REVOKE;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The answer written as {@code s}, or null. */
  public static Answer parse(String s) {
    for (Answer a : values()) {
      if (a.json().equals(s)) {
        return a;
      }
    }
    return null;
  }
}
