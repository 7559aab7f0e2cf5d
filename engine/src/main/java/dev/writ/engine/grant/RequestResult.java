package dev.writ.engine.grant;

import dev.writ.engine.decision.Decision;
import java.util.Optional;

/**
 * The answer to a request, an approval or a delegation: the decision, and the grant when it
 * was issued (or the pending request, which keeps its id until approved).
 *
 * @param id  the id of the grant or pending request; for a deny, the id its audit events carry
 * @param seq the seq of the last audit record the decision committed (its {@code granted} record
 *            when it issued a grant, else its {@code decided} record); 0 before it is committed
 */
public record RequestResult(String id, Decision decision, Optional<Grant> grant, long seq) {
  public RequestResult(String id, Decision decision, Optional<Grant> grant) {
    this(id, decision, grant, 0);
  }

  /** This result, linked to the audit record that recorded it. */
  public RequestResult withSeq(long s) {
    return new RequestResult(id, decision, grant, s);
  }
}
