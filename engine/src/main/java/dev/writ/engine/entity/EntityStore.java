package dev.writ.engine.entity;

import dev.writ.engine.value.EntityUid;
import java.util.Collection;
import java.util.Set;

/** Entities by uid, with transitive hierarchy membership. */
public interface EntityStore {
  /** The entity, or null when the store does not know it. */
  Entity get(EntityUid uid);

  /** The uid itself and every entity it is transitively a member of. */
  Set<EntityUid> ancestorsOrSelf(EntityUid uid);

  int size();

  /** An entity (null when unknown) with its ancestors, from one lookup where the store can. */
  record Resolved(Entity entity, Set<EntityUid> ancestors) {}

  default Resolved resolve(EntityUid uid) {
    return new Resolved(get(uid), ancestorsOrSelf(uid));
  }

  Collection<Entity> entities();

  default boolean contains(EntityUid uid) {
    return get(uid) != null;
  }

  /** A store in which these entities replace or add to this one's (for per-request data). */
  default EntityStore overlay(Collection<Entity> entities) {
    return entities.isEmpty() ? this : LayeredEntityStore.of(this, entities);
  }

  static EntityStore empty() {
    return MapEntityStore.EMPTY;
  }
}
