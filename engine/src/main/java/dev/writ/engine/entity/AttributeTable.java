package dev.writ.engine.entity;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers the attribute names a plan reads, so that a compiled attribute read is an array index
 * into the entity's slots rather than a map lookup by name on every evaluation.
 */
public final class AttributeTable {
  private final Map<String, Integer> slots = new HashMap<>();
  private final String[] names;

  public AttributeTable(Collection<String> names) {
    this.names = names.stream().distinct().sorted().toArray(String[]::new);
    for (int i = 0; i < this.names.length; i++) {
      slots.put(this.names[i], i);
    }
  }

  /** The slot of a name, or -1 when the plan never reads it. */
  public int slot(String name) {
    Integer s = slots.get(name);
    return s == null ? -1 : s;
  }

  public int size() {
    return names.length;
  }

  public List<String> names() {
    return List.of(names);
  }
}
