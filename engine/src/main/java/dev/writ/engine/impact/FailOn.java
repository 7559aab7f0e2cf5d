package dev.writ.engine.impact;

import java.util.Locale;

/** When a CI check of a policy change fails ({@code writ impact --fail-on}, the mojo's {@code failOn}). */
public enum FailOn {
  /** Any request widened (a decision, an action, a ttl or an approval), or nothing. */
  WIDEN,
  /** Any change at all: a request decided differently, or an active grant that would be revoked. */
  ANY;

  public boolean fails(ImpactReport r) {
    return switch (this) {
      case WIDEN -> r.widens();
      case ANY -> !r.empty();
    };
  }

  /** @return null when {@code s} names no value */
  public static FailOn parse(String s) {
    for (FailOn f : values()) {
      if (f.name().toLowerCase(Locale.ROOT).equals(s)) {
        return f;
      }
    }
    return null;
  }
}
