package dev.writ.engine.entity;

import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.Values;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Suggestions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads entity data (docs/data.md, "Entities") and, in strict mode, checks it against the schema:
 * declared types and attributes, attribute types, allowed parent types. Errors name the file,
 * line, uid and problem.
 */
public final class EntityReader {
  private static final Set<String> FIELDS = Set.of("uid", "kind", "attrs", "parents", "tags");

  private final Schema schema;

  public EntityReader(Schema schema) {
    this.schema = schema;
  }

  /** Reads entity files (YAML or JSON, each a list of entities) into one store. */
  public EntityStore readFiles(List<Path> files) {
    List<Entity> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(readList(DataNode.root(DataDocument.read(f))));
    }
    return store(all, files.isEmpty() ? null : files.get(0).toString());
  }

  public static EntityStore store(List<Entity> entities, String where) {
    try {
      return MapEntityStore.of(entities);
    } catch (EntityDataException e) {
      throw new DataException(where, e.getMessage());
    }
  }

  public List<Entity> readList(DataNode list) {
    if (list.isMissing()) {
      return List.of();
    }
    List<Entity> out = new ArrayList<>();
    for (DataNode n : list.elements()) {
      out.add(read(n));
    }
    return out;
  }

  public Entity read(DataNode n) {
    n.onlyFields(FIELDS);
    DataNode uidNode = n.required("uid");
    EntityUid uid = uidNode.entity();
    EntityKind kind = null;
    DataNode kindNode = n.field("kind");
    if (!kindNode.isMissing()) {
      kind = EntityKind.fromKeyword(kindNode.string());
      if (kind == null) {
        throw kindNode.error("`" + kindNode.string() + "` is not a kind; use human, machine, agent, resource or group");
      }
    }
    Schema.EntityTypeDef def = definition(uidNode, uid);
    if (def != null) {
      if (kind != null && kind != def.kind()) {
        throw kindNode.error("`" + uid + "` is a " + def.kind().keyword() + " by the schema, not a " + kind.keyword());
      }
      kind = def.kind();
    }
    Map<String, Value> attrs = attributes(uid, def, n.field("attrs"));
    Set<EntityUid> parents = new LinkedHashSet<>();
    DataNode parentsNode = n.field("parents");
    if (!parentsNode.isMissing()) {
      for (DataNode p : parentsNode.elements()) {
        EntityUid parent = p.entity();
        if (def != null && !def.memberOf().contains(parent.type())) {
          throw p.error("`" + uid + "` may not be in a `" + parent.type() + "`: the schema allows "
              + (def.memberOf().isEmpty() ? "no parents for `" + uid.type() + "`" : "only " + String.join(", ", def.memberOf())));
        }
        parents.add(parent);
      }
    }
    Map<String, Value> tags = new LinkedHashMap<>();
    DataNode tagsNode = n.field("tags");
    if (!tagsNode.isMissing()) {
      if (def != null && def.tagType() == null) {
        throw tagsNode.error("`" + uid + "`: `" + uid.type() + "` declares no tags");
      }
      for (Map.Entry<String, DataNode> e : tagsNode.entries()) {
        if (e.getValue().isMissing()) {
          continue;
        }
        try {
          tags.put(e.getKey(), def == null ? Values.untyped(e.getValue()) : Values.typed(e.getValue(), def.tagType()));
        } catch (DataException ex) {
          throw new DataException(ex.location(), "`" + uid + "`: tag `" + e.getKey() + "`: " + ex.getMessage());
        }
      }
    }
    return new Entity(uid, kind, attrs, parents, tags);
  }

  /**
   * The entity {@code uid} as {@code base} knows it, with the attributes of {@code attrsNode}
   * (a JSON object, typed by the schema in strict mode) merged over its own
   * ({@link Entity#withAttributes}). An entity the store does not know is made from these
   * attributes alone, with no parents (and, in strict mode, refused unless its type is declared).
   *
   * @param where the node that names the entity, for errors about its type
   */
  public Entity merged(EntityStore base, EntityUid uid, DataNode where, DataNode attrsNode) {
    Schema.EntityTypeDef def = definition(where, uid);
    Map<String, Value> attrs = attributes(uid, def, attrsNode);
    Entity stored = base.get(uid);
    if (stored != null) {
      return stored.withAttributes(attrs);
    }
    return new Entity(uid, def == null ? null : def.kind(), attrs, Set.of());
  }

  /** The schema's declaration of {@code uid}'s type in strict mode (refused when undeclared); null otherwise. */
  private Schema.EntityTypeDef definition(DataNode where, EntityUid uid) {
    if (!schema.strict()) {
      return null;
    }
    Schema.EntityTypeDef def = schema.entityTypes().get(uid.type());
    if (def == null) {
      throw where.error("unknown entity type `" + uid.type() + "` in `" + uid + "`"
          + Suggestions.hint(uid.type(), schema.entityTypes().keySet()).map(h -> "; " + h).orElse(""));
    }
    return def;
  }

  private Map<String, Value> attributes(EntityUid uid, Schema.EntityTypeDef def, DataNode attrsNode) {
    Map<String, Value> attrs = new LinkedHashMap<>();
    if (attrsNode.isMissing()) {
      return attrs;
    }
    for (Map.Entry<String, DataNode> e : attrsNode.entries()) {
      if (e.getValue().isMissing()) {
        continue;
      }
      if (def == null) {
        attrs.put(e.getKey(), Values.untyped(e.getValue()));
        continue;
      }
      Schema.AttributeDef a = def.attributes().get(e.getKey());
      if (a == null) {
        throw e.getValue().error("`" + uid + "`: attribute `" + e.getKey() + "` is not declared for `" + uid.type() + "`"
            + Suggestions.hint(e.getKey(), def.attributes().keySet()).map(h -> "; " + h).orElse(""));
      }
      try {
        attrs.put(e.getKey(), Values.typed(e.getValue(), a.type()));
      } catch (DataException ex) {
        throw ex.prefixed("`" + uid + "`: ");
      }
    }
    return attrs;
  }
}
