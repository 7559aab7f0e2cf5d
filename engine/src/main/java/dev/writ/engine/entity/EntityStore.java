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

  /**
   * An entity (null when unknown) with its ancestors, from one lookup where the store can. A
   * store that keeps these (a {@link MapEntityStore} keeps one per entity) also keeps the
   * ancestors in a plan's numbers once computed, so a decision reads them as an int array.
   */
  final class Resolved {
    private final EntityUid uid;
    private final Entity entity;
    private final Set<EntityUid> ancestors;
    private volatile UidTable.Numbers numbers; // for the last table asked: racy but idempotent

    public Resolved(EntityUid uid, Entity entity, Set<EntityUid> ancestors) {
      this.uid = uid;
      this.entity = entity;
      this.ancestors = ancestors;
    }

    public EntityUid uid() {
      return uid;
    }

    public Entity entity() {
      return entity;
    }

    public Set<EntityUid> ancestors() {
      return ancestors;
    }

    /** The entity and its ancestors in {@code table}'s numbers, computed once per table. */
    public UidTable.Numbers numbers(UidTable table) {
      UidTable.Numbers n = numbers;
      if (n == null || n.table != table) {
        n = table.numbers(uid, ancestors);
        numbers = n;
      }
      return n;
    }
  }

  default Resolved resolve(EntityUid uid) {
    return new Resolved(uid, get(uid), ancestorsOrSelf(uid));
  }

  Collection<Entity> entities();

  /**
   * The uid of an entity this store holds, written {@code Type::id} in {@code text[off, off + len)},
   * found without building strings (a reader resolves a request's principal and resource from its
   * parser's characters); null when the store does not hold it or cannot tell cheaply (a quoted
   * or long id), and the caller parses the text. When not null it equals
   * {@code EntityUid.parse} of the text.
   */
  default EntityUid uid(char[] text, int off, int len) {
    return null;
  }

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
