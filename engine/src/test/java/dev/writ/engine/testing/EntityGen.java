package dev.writ.engine.testing;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.testing.SchemaModel.Attr;
import dev.writ.engine.testing.SchemaModel.TypeDef;
import dev.writ.engine.testing.SchemaModel.VT;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.EntityKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates entity data consistent with the schema model: group hierarchies up to four levels
 * (principal, then up to three levels of groups), members with parents of the allowed types,
 * attribute values from small pools so that conditions are sometimes true, optional (and now
 * and then required) attributes left out, and references to entities that do not exist. In
 * dynamic mode, kinds come with the data (sometimes missing) and values sometimes have the
 * wrong type. Entities of a type with tags carry some of the tag keys (some entities none);
 * in dynamic mode, entities of other types now and then carry tags too, of any type.
 */
public final class EntityGen {
  public static final Instant NOW = Instant.parse("2026-06-15T10:00:00Z");

  private final Rand r;
  private final SchemaModel m;
  private final Map<String, Integer> depth = new HashMap<>();

  private EntityGen(Rand r, SchemaModel m) {
    this.r = r;
    this.m = m;
  }

  public static List<Entity> generate(Rand r, SchemaModel m) {
    return new EntityGen(r, m).all();
  }

  private List<Entity> all() {
    List<Entity> out = new ArrayList<>();
    for (String group : List.of("Team", "Cluster")) {
      TypeDef t = m.types.get(group);
      List<String> ids = new ArrayList<>(t.ids());
      r.shuffle(ids);
      List<EntityUid> earlier = new ArrayList<>();
      for (String id : ids) {
        EntityUid uid = new EntityUid(group, id);
        Set<EntityUid> parents = new LinkedHashSet<>();
        int d = 0;
        List<EntityUid> shallow = earlier.stream().filter(e -> depth.get(e.toString()) < 2).toList();
        if (!shallow.isEmpty() && r.chance(0.7)) {
          EntityUid p = r.pick(shallow);
          parents.add(p);
          d = depth.get(p.toString()) + 1;
          if (r.chance(0.15)) {
            EntityUid q = r.pick(shallow);
            parents.add(q);
            d = Math.max(d, depth.get(q.toString()) + 1);
          }
        }
        if (r.chance(0.04)) {
          parents.add(new EntityUid(group, "ghost")); // a parent with no entry of its own
        }
        depth.put(uid.toString(), d);
        earlier.add(uid);
        if (r.chance(0.95)) {
          out.add(new Entity(uid, kind(t), attrs(t), parents));
        }
      }
    }
    for (TypeDef t : m.types.values()) {
      if (t.kind() == EntityKind.GROUP) {
        continue;
      }
      for (String id : t.ids()) {
        if (r.chance(0.1)) {
          continue; // referenced by policies, unknown to the store
        }
        out.add(new Entity(new EntityUid(t.name(), id), kind(t), attrs(t), parents(t), tags(t)));
      }
    }
    return out;
  }

  private EntityKind kind(TypeDef t) {
    if (m.strict) {
      return t.kind();
    }
    double x = r.nextInt(100) / 100.0;
    if (x < 0.85) {
      return t.kind();
    }
    return x < 0.95 ? null : r.oneOf(EntityKind.values());
  }

  private Set<EntityUid> parents(TypeDef t) {
    Set<EntityUid> out = new LinkedHashSet<>();
    int n = r.oneOf(0, 1, 1, 1, 2);
    for (int i = 0; i < n; i++) {
      String group = r.pick(t.memberOf());
      out.add(new EntityUid(group, r.pick(m.types.get(group).ids())));
    }
    return out;
  }

  private Map<String, Value> tags(TypeDef t) {
    VT type = t.tagType();
    if (type == null && !m.strict && r.chance(0.15)) {
      type = r.pick(SchemaModel.TAG_TYPES); // data without a schema may tag anything
    }
    Map<String, Value> out = new LinkedHashMap<>();
    if (type == null || r.chance(0.15)) {
      return out;
    }
    for (String key : SchemaModel.TAG_KEYS) {
      if (r.chance(0.5)) {
        out.put(key, value(key, !m.strict && r.chance(0.1) ? r.pick(SchemaModel.TAG_TYPES) : type));
      }
    }
    return out;
  }

  private Map<String, Value> attrs(TypeDef t) {
    Map<String, Value> out = new LinkedHashMap<>();
    for (Attr a : t.attrs().values()) {
      if (r.chance(a.optional() ? 0.45 : 0.04)) {
        continue;
      }
      out.put(a.name(), value(a.name(), a.type()));
    }
    if (!m.strict && r.chance(0.1)) {
      out.put(r.oneOf("level", "env", "dept"), r.oneOf(new Value.Str("3"), new Value.Int(2), Value.Bool.TRUE));
    }
    return out;
  }

  Value value(String name, VT type) {
    return switch (type) {
      case INT -> new Value.Int(r.chance(0.03) ? Long.MAX_VALUE - r.between(0, 3) : r.between(0, 5));
      case STRING -> new Value.Str(switch (name) {
        case "env" -> r.oneOf("prod", "dev", "staging", "prod");
        case "classification" -> r.oneOf("public", "internal", "restricted");
        default -> r.oneOf("sre", "data", "ops", "eng", "s");
      });
      case BOOL -> Value.Bool.of(r.chance(0.5));
      // Data without a schema has no durations or times: they stay strings (dynamic mode).
      case DURATION -> m.strict ? new Value.Dur(r.oneOf(1800L, 3600L, 7200L, 86400L)) : new Value.Str("1h");
      case TIME -> m.strict ? new Value.Time(NOW.plusSeconds(3600L * r.between(-72, 72)))
          : new Value.Str(NOW.toString());
      case SET_STRING -> {
        Set<Value> s = new LinkedHashSet<>();
        for (String x : r.subset(List.of("pii", "public", "legal-hold", "sre", "x"), 0.3)) {
          s.add(new Value.Str(x));
        }
        yield new Value.SetV(s);
      }
      case EMPLOYEE -> new Value.EntityV(new EntityUid("Employee",
          r.chance(0.1) ? "ghost" : r.pick(m.types.get("Employee").ids())));
      case SET_EMPLOYEE -> new Value.SetV(Set.of(new Value.EntityV(new EntityUid("Employee", "alice"))));
    };
  }
}
