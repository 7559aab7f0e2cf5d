package dev.writ.engine.grant;

import dev.writ.engine.audit.Answer;
import java.util.List;

/**
 * The answer to an action fact (LANGUAGE.md §8).
 *
 * @param answer  allow, deny or revoke
 * @param drift   whether the action was outside the grant's intent envelope
 * @param revoked the grants revoked because of it (the grant and its descendants, on revoke)
 */
public record ActionAnswer(Answer answer, boolean drift, List<String> reasons, List<String> revoked) {
  public ActionAnswer {
    reasons = List.copyOf(reasons);
    revoked = List.copyOf(revoked);
  }

  public boolean allowed() {
    return answer == Answer.ALLOW;
  }
}
