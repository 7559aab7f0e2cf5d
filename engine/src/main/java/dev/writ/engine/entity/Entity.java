package dev.writ.engine.entity;

import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.EntityKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An entity: uid, kind (from the schema, or from data in dynamic mode; null when unknown),
 * attributes and direct parents. Immutable; the slot array for a plan's attribute table is
 * computed once and cached.
 */
public final class Entity {
  private final EntityUid uid;
  private final EntityKind kind;
  private final Map<String, Value> attributes;
  private final Set<EntityUid> parents;
  private final Map<String, Value> tags;
  private volatile Slots slots;

  private record Slots(AttributeTable table, Value[] values) {}

  public Entity(EntityUid uid, EntityKind kind, Map<String, Value> attributes, Set<EntityUid> parents) {
    this(uid, kind, attributes, parents, Map.of());
  }

  /** @param tags the entity's tags ({@code e.hasTag("k")}, {@code e.getTag("k")}), kept apart from its attributes */
  public Entity(EntityUid uid, EntityKind kind, Map<String, Value> attributes, Set<EntityUid> parents,
                Map<String, Value> tags) {
    this.uid = uid;
    this.kind = kind;
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    this.parents = Collections.unmodifiableSet(new LinkedHashSet<>(parents));
    this.tags = tags.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  public EntityUid uid() {
    return uid;
  }

  public EntityKind kind() {
    return kind;
  }

  public Map<String, Value> attributes() {
    return attributes;
  }

  public Set<EntityUid> parents() {
    return parents;
  }

  public Map<String, Value> tags() {
    return tags;
  }

  /**
   * This entity with {@code overlay}'s attributes merged over its own: an attribute named in the
   * overlay takes the overlay's value (whole: a record is replaced, not merged field by field);
   * every other attribute, the tags, the kind and the parents stay as they are. This is how
   * per-call properties (AuthZEN's {@code subject.properties}) meet stored data.
   */
  public Entity withAttributes(Map<String, Value> overlay) {
    if (overlay.isEmpty()) {
      return this;
    }
    Map<String, Value> merged = new LinkedHashMap<>(attributes);
    merged.putAll(overlay);
    return new Entity(uid, kind, merged, parents, tags);
  }

  /** Attribute values laid out by the table's slots (null where absent). */
  public Value[] slots(AttributeTable table) {
    Slots s = slots;
    if (s != null && s.table == table) {
      return s.values;
    }
    Value[] values = new Value[table.size()];
    for (Map.Entry<String, Value> e : attributes.entrySet()) {
      int slot = table.slot(e.getKey());
      if (slot >= 0) {
        values[slot] = e.getValue();
      }
    }
    slots = new Slots(table, values);
    return values;
  }

  @Override
  public String toString() {
    return uid.toString();
  }
}
