package dev.writ.engine.grant;

import dev.writ.engine.decision.Decision;
import java.util.Optional;

/**
 * The answer to a request, an approval or a delegation: the decision, and the grant when it
 * was issued (or the pending request, which keeps its id until approved).
 *
 * @param id the id of the grant or pending request; for a deny, the id its audit events carry
 */
public record RequestResult(String id, Decision decision, Optional<Grant> grant) {}
