package dev.writ.server;

import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.RequestReader;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a call decides with, swapped as one value: the plan, its authorizer, the entity
 * data read against the plan's schema, the readers bound to that schema and the revision.
 * A call takes one snapshot and uses it throughout, so a reload never mixes two bundles in one answer.
 *
 * @param created the bundle's creation time (its manifest's), empty for a policy directory
 */
public record ActivePolicy(String revision, String source, Instant loadedAt, Optional<Instant> created,
                           EvaluationPlan plan, Authorizer authorizer, EntityStore entities, RequestReader requests,
                           EntityReader entityReader) {

  public PolicyContext context() {
    return new PolicyContext(authorizer, entities, revision);
  }
}
