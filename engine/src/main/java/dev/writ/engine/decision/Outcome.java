package dev.writ.engine.decision;

/** The answer to an access request, overall or for one action. */
public enum Outcome {
  PERMIT, PENDING, DENY;

  public String json() {
    return name().toLowerCase();
  }

  /** Per-action results combine as: deny if any is deny, else pending if any is pending, else permit. */
  public Outcome and(Outcome other) {
    return ordinal() >= other.ordinal() ? this : other;
  }

  public static Outcome parse(String s) {
    for (Outcome o : values()) {
      if (o.json().equals(s)) {
        return o;
      }
    }
    return null;
  }
}
