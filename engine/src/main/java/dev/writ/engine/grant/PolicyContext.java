package dev.writ.engine.grant;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;

/** What the runtime decides with: the active plan, the entity data and the bundle revision. Swapped as one. */
public record PolicyContext(Authorizer authorizer, EntityStore entities, String revision) {}
