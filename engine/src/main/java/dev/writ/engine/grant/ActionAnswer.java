package dev.writ.engine.grant;

import dev.writ.engine.audit.Answer;
import java.util.List;

/**
 * The answer to an action fact (docs/language.md §8).
 *
 * @param answer  allow, deny or revoke
 * @param drift   whether the action was outside the grant's intent envelope
 * @param revoked the grants revoked because of it (the grant and its descendants, on revoke)
 * @param seq     the seq of the audit record of the check (its {@code action} event); 0 when nothing
 *                was recorded (an unknown grant)
 */
public record ActionAnswer(Answer answer, boolean drift, List<String> reasons, List<String> revoked, long seq) {
  public ActionAnswer {
    reasons = List.copyOf(reasons);
    revoked = List.copyOf(revoked);
  }

  public ActionAnswer(Answer answer, boolean drift, List<String> reasons, List<String> revoked) {
    this(answer, drift, reasons, revoked, 0);
  }

  /** This answer, linked to the audit record that recorded it. */
  public ActionAnswer withSeq(long s) {
    return new ActionAnswer(answer, drift, reasons, revoked, s);
  }

  public boolean allowed() {
    return answer == Answer.ALLOW;
  }
}
