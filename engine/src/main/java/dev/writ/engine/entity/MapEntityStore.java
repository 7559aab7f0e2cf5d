package dev.writ.engine.entity;

import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable store with the transitive closure of the hierarchy computed when it is built,
 * so that membership is one hash lookup at decision time. A cycle of parents is refused.
 */
public final class MapEntityStore implements EntityStore {
  static final MapEntityStore EMPTY = new MapEntityStore(Map.of(), Map.of());

  // NOTE: an entity and its ancestor set sit in one entry, so that a decision finds both with one
  // probe, and the table compares short ids inline: with large stores each dependent read is a
  // cache miss, and they dominate a decision's cost.
  private final ResolvedTable nodes;
  private final Map<EntityUid, Entity> entities; // insertion order, for entities()

  private MapEntityStore(Map<EntityUid, Entity> entities, Map<EntityUid, Set<EntityUid>> closure) {
    this.entities = entities;
    List<Resolved> n = new ArrayList<>(entities.size());
    entities.forEach((uid, e) -> n.add(new Resolved(uid, e, closure.getOrDefault(uid, Set.of(uid)))));
    this.nodes = new ResolvedTable(n);
  }

  /**
   * Builds a store. Later entities with the same uid replace earlier ones.
   *
   * @throws EntityDataException when the parents form a cycle
   */
  public static MapEntityStore of(Collection<Entity> list) {
    Map<EntityUid, Entity> map = new LinkedHashMap<>();
    for (Entity e : list) {
      map.put(e.uid(), e);
    }
    Map<EntityUid, Set<EntityUid>> closure = new HashMap<>(map.size() * 2);
    for (EntityUid uid : map.keySet()) {
      closureOf(uid, map, closure, new ArrayList<>());
    }
    return new MapEntityStore(Collections.unmodifiableMap(map), closure);
  }

  private static Set<EntityUid> closureOf(EntityUid uid, Map<EntityUid, Entity> map,
                                          Map<EntityUid, Set<EntityUid>> closure, List<EntityUid> path) {
    Set<EntityUid> done = closure.get(uid);
    if (done != null) {
      return done;
    }
    if (path.contains(uid)) {
      List<EntityUid> cycle = new ArrayList<>(path.subList(path.indexOf(uid), path.size()));
      cycle.add(uid);
      throw new EntityDataException(null, "the hierarchy has a cycle: "
          + String.join(" -> ", cycle.stream().map(EntityUid::toString).toList()));
    }
    Entity e = map.get(uid);
    if (e == null || e.parents().isEmpty()) {
      Set<EntityUid> self = Set.of(uid);
      if (e != null) {
        closure.put(uid, self);
      }
      return self;
    }
    path.add(uid);
    Set<EntityUid> all = new HashSet<>();
    all.add(uid);
    for (EntityUid p : e.parents()) {
      all.addAll(closureOf(p, map, closure, path));
    }
    path.remove(path.size() - 1);
    Set<EntityUid> frozen = Set.copyOf(all);
    closure.put(uid, frozen);
    return frozen;
  }

  @Override
  public Entity get(EntityUid uid) {
    Resolved r = nodes.get(uid);
    return r == null ? null : r.entity();
  }

  @Override
  public Set<EntityUid> ancestorsOrSelf(EntityUid uid) {
    Resolved r = nodes.get(uid);
    return r != null ? r.ancestors() : Set.of(uid);
  }

  @Override
  public Resolved resolve(EntityUid uid) {
    Resolved r = nodes.get(uid);
    return r != null ? r : new Resolved(uid, null, Set.of(uid));
  }

  @Override
  public EntityUid uid(char[] text, int off, int len) {
    return nodes.uid(text, off, len);
  }

  @Override
  public int size() {
    return entities.size();
  }

  @Override
  public Collection<Entity> entities() {
    return entities.values();
  }
}
