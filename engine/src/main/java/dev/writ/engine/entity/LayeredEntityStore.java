package dev.writ.engine.entity;

import dev.writ.engine.value.EntityUid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-request entities laid over a base store without copying it. Memberships are computed on
 * demand (only the request's principal, resource and chain need them).
 */
final class LayeredEntityStore implements EntityStore {
  private final EntityStore base;
  private final Map<EntityUid, Entity> top;

  private LayeredEntityStore(EntityStore base, Map<EntityUid, Entity> top) {
    this.base = base;
    this.top = top;
  }

  /**
   * An overlaid entity that the base also has is merged over it: its attributes (and tags) replace
   * the stored ones of the same name and add new ones, its parents add to the stored ones, and its
   * kind (when it gives one) wins. Attributes and memberships it does not mention stay.
   */
  static LayeredEntityStore of(EntityStore base, Collection<Entity> entities) {
    Map<EntityUid, Entity> top = new LinkedHashMap<>();
    entities.forEach(e -> top.put(e.uid(), merge(base.get(e.uid()), e)));
    LayeredEntityStore store = new LayeredEntityStore(base, top);
    // The base has no cycle, so any new cycle passes through an overlaid entity.
    for (EntityUid uid : top.keySet()) {
      store.checkAcyclic(uid, new ArrayList<>(), new HashSet<>());
    }
    return store;
  }

  private static Entity merge(Entity stored, Entity overlay) {
    if (stored == null) {
      return overlay;
    }
    Map<String, dev.writ.engine.value.Value> attributes = new LinkedHashMap<>(stored.attributes());
    attributes.putAll(overlay.attributes());
    Set<EntityUid> parents = new java.util.LinkedHashSet<>(stored.parents());
    parents.addAll(overlay.parents());
    Map<String, dev.writ.engine.value.Value> tags = new LinkedHashMap<>(stored.tags());
    tags.putAll(overlay.tags());
    return new Entity(overlay.uid(), overlay.kind() != null ? overlay.kind() : stored.kind(), attributes, parents, tags);
  }

  private void checkAcyclic(EntityUid uid, List<EntityUid> path, Set<EntityUid> done) {
    if (done.contains(uid)) {
      return;
    }
    if (path.contains(uid)) {
      List<EntityUid> cycle = new ArrayList<>(path.subList(path.indexOf(uid), path.size()));
      cycle.add(uid);
      throw new EntityDataException(null, "the hierarchy has a cycle: "
          + String.join(" -> ", cycle.stream().map(EntityUid::toString).toList()));
    }
    Entity e = get(uid);
    if (e != null) {
      path.add(uid);
      for (EntityUid p : e.parents()) {
        checkAcyclic(p, path, done);
      }
      path.remove(path.size() - 1);
    }
    done.add(uid);
  }

  @Override
  public Entity get(EntityUid uid) {
    Entity e = top.get(uid);
    return e != null ? e : base.get(uid);
  }

  @Override
  public Set<EntityUid> ancestorsOrSelf(EntityUid uid) {
    Set<EntityUid> out = new HashSet<>();
    Deque<EntityUid> todo = new ArrayDeque<>();
    todo.push(uid);
    while (!todo.isEmpty()) {
      EntityUid u = todo.pop();
      if (!out.add(u)) {
        continue;
      }
      Entity e = get(u);
      if (e != null) {
        e.parents().forEach(todo::push);
      }
    }
    return out;
  }

  @Override
  public int size() {
    return (int) (base.size() + top.keySet().stream().filter(u -> base.get(u) == null).count());
  }

  @Override
  public Collection<Entity> entities() {
    Map<EntityUid, Entity> all = new LinkedHashMap<>();
    base.entities().forEach(e -> all.put(e.uid(), e));
    all.putAll(top);
    return all.values();
  }
}
