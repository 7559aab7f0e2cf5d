package dev.writ.engine.impact;

/**
 * One thing that a request gets differently under the new policies.
 *
 * @param subject what it is about: the action (for {@link Aspect#ACTION}), the approval
 *     ({@code 2 from Group::sre}) or the obligation ({@code name=value}); empty for the whole decision and the ttl
 * @param before  how it was (for approvals and obligations: {@code needed}/{@code absent}, {@code present}/{@code absent})
 * @param after   how it is now
 */
public record Difference(Aspect aspect, Direction direction, String subject, String before, String after) {

  /** What part of the decision differs. */
  public enum Aspect {
    /** The overall decision. */
    DECISION,
    /** The outcome of one of several requested actions. */
    ACTION,
    /** The issued duration of a permit (standing is longer than any ttl). */
    TTL,
    /** An approval requirement newly needed or dropped. */
    APPROVALS,
    /** An obligation added or dropped. */
    OBLIGATIONS;

    public String json() {
      return name().toLowerCase();
    }
  }
}
