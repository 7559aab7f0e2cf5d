package dev.writ.engine.eval;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;

/**
 * Decides access requests as docs/language.md §7 says. Implemented by the plan evaluator (fast,
 * indexed) and, in tests, by a reference evaluator that walks the checked syntax tree.
 *
 * <p>Decision table (per action): any applicable forbid, for the principal or any member of the
 * delegation chain, denies, and a forbid whose evaluation errors applies (fail closed); else a
 * satisfied grant permits; else a grant that applies and lacks only approvals makes it pending;
 * else deny. A grant whose evaluation errors does not apply. Every error is reported.
 */
public interface Decider {
  /**
   * @throws BadRequestException when the request names unknown entities or non-concrete actions
   */
  Decision decide(AccessRequest request, EntityStore entities, DecideOptions options);
}
