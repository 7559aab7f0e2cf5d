package dev.writ.language.vocab;

import dev.writ.language.vocab.EntityKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The declarations of a bundle: entity types, actions, action groups and intent parameters.
 * Plain data, so that the engine can store it in a compiled bundle and check entity data
 * against it without the parser.
 */
public record Schema(boolean strict, SortedMap<String, EntityTypeDef> entityTypes, SortedMap<String, ActionDef> actions,
                     SortedMap<String, SortedSet<String>> groups) {

  public Schema {
    entityTypes = Collections.unmodifiableSortedMap(new TreeMap<>(entityTypes));
    actions = Collections.unmodifiableSortedMap(new TreeMap<>(actions));
    groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
  }

  public static final Schema EMPTY = new Schema(false, new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

  /** An attribute: its type in the language's spelling and whether it may be absent. */
  public record AttributeDef(Type type, boolean optional) {}

  /** @param tagType the type of the entity's tag values ({@code tags T}); null when it declares none */
  public record EntityTypeDef(String name, EntityKind kind, SortedSet<String> memberOf,
                              Map<String, AttributeDef> attributes, Type tagType) {
    public EntityTypeDef {
      memberOf = Collections.unmodifiableSortedSet(new TreeSet<>(memberOf));
      attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public EntityTypeDef(String name, EntityKind kind, SortedSet<String> memberOf, Map<String, AttributeDef> attributes) {
      this(name, kind, memberOf, attributes, null);
    }
  }

  /** An action and the resource types it applies to (empty: any). */
  public record ActionDef(String name, SortedSet<String> resourceTypes) {
    public ActionDef {
      resourceTypes = Collections.unmodifiableSortedSet(new TreeSet<>(resourceTypes));
    }

    public boolean appliesTo(String resourceType) {
      return resourceTypes.isEmpty() || resourceTypes.contains(resourceType);
    }
  }

  public Optional<EntityTypeDef> type(String name) {
    return Optional.ofNullable(entityTypes.get(name));
  }

  public boolean isGroup(String action) {
    return groups.containsKey(action);
  }

  /** Names of the declared types of the given kinds. */
  public SortedSet<String> typesOfKind(Set<EntityKind> kinds) {
    SortedSet<String> out = new TreeSet<>();
    entityTypes.values().forEach(t -> {
      if (kinds.contains(t.kind())) {
        out.add(t.name());
      }
    });
    return out;
  }

  /** Whether an entity of {@code type} may be a member, directly or transitively, of {@code ancestor}. */
  public boolean mayBeMemberOf(String type, String ancestor) {
    if (type.equals(ancestor)) {
      return true;
    }
    Set<String> seen = new TreeSet<>();
    List<String> todo = new java.util.ArrayList<>(List.of(type));
    while (!todo.isEmpty()) {
      String t = todo.remove(todo.size() - 1);
      EntityTypeDef def = entityTypes.get(t);
      if (def == null) {
        continue;
      }
      for (String parent : def.memberOf()) {
        if (parent.equals(ancestor)) {
          return true;
        }
        if (seen.add(parent)) {
          todo.add(parent);
        }
      }
    }
    return false;
  }
}
