package dev.writ.engine.grant;

import java.util.List;

/**
 * The answer to an action fact (docs/language.md §8).
 *
 * @param answer  {@code allow}, {@code deny} or {@code revoke}
 * @param drift   whether the action was outside the grant's intent envelope
 * @param revoked the grants revoked because of it (the grant and its descendants, on revoke)
 */
public record ActionAnswer(String answer, boolean drift, List<String> reasons, List<String> revoked) {
  public static final String ALLOW = "allow";
  public static final String DENY = "deny";
  public static final String REVOKE = "revoke";

  public boolean allowed() {
    return answer.equals(ALLOW);
  }
}
