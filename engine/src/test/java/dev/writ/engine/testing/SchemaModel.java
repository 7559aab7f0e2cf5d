package dev.writ.engine.testing;

import dev.writ.language.vocab.EntityKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The generator's own picture of a bundle's schema: entity types with kinds, parents, tag types,
 * attributes and a pool of ids, actions, action groups and intents. It renders the
 * declarations (strict mode) and tells the expression generator what a selector admits, so
 * that generated bundles pass the checker by construction. In dynamic mode the same model
 * drives the data, but nothing is declared except action groups.
 */
public final class SchemaModel {

  /** The value types the generators know. {@code EMPLOYEE} is an entity of type Employee. */
  public enum VT {
    INT("Int"), STRING("String"), BOOL("Bool"), DURATION("Duration"), TIME("Time"), SET_STRING("Set<String>"),
    EMPLOYEE("Employee"), SET_EMPLOYEE("Set<Employee>");

    final String text;

    VT(String text) {
      this.text = text;
    }
  }

  public record Attr(String name, VT type, boolean optional) {}

  /** @param tagType the type of the entity's tag values ({@code tags T}); null when the type declares none */
  public record TypeDef(String name, EntityKind kind, List<String> memberOf, Map<String, Attr> attrs,
                        List<String> ids, VT tagType) {}

  public record Param(String name, VT type, boolean optional, String pattern) {}

  /** An intent; {@code allows} is filled as its `allow` clauses are generated. */
  public record IntentModel(String name, Map<String, Param> params, Long maxSeconds, List<AllowModel> allows) {}

  /** One alternative of a selector: a kind, a type or an entity (type and id), and an optional `in`. */
  public record Alt(String kind, String type, String id, String inType, String inId) {}

  public record AllowModel(List<String> items, List<Alt> on) {}

  /** A generated rule, for requests aimed at it. Null lists: the clause is absent. */
  public record RuleModel(String fullName, boolean grant, List<Alt> principal, List<String> actions, List<Alt> resource,
                          List<String> intents, List<String> delegateKinds, int delegateDepth,
                          List<String[]> approvalsFrom) {}

  static final Map<String, VT> PRINCIPAL_ATTRS = new LinkedHashMap<>();
  static final Map<String, VT> RESOURCE_ATTRS = new LinkedHashMap<>();
  static final Map<String, VT> PARAMS = new LinkedHashMap<>();
  /**
   * The tag keys entity data draws from; policies also ask for {@code nothing}, which no entity
   * has. {@code env} is also a resource attribute: tags are not attributes.
   */
  static final List<String> TAG_KEYS = List.of("owner", "cost-center", "env", "tier");
  static final List<String> TAG_KEYS_ASKED = List.of("owner", "cost-center", "env", "tier", "nothing");
  /** The tag types the generators declare: values the checker and the entity reader accept for `tags T`. */
  static final List<VT> TAG_TYPES = List.of(VT.STRING, VT.INT, VT.BOOL, VT.SET_STRING);

  static {
    PRINCIPAL_ATTRS.put("level", VT.INT);
    PRINCIPAL_ATTRS.put("dept", VT.STRING);
    PRINCIPAL_ATTRS.put("mfa", VT.BOOL);
    PRINCIPAL_ATTRS.put("tags", VT.SET_STRING);
    PRINCIPAL_ATTRS.put("since", VT.TIME);
    PRINCIPAL_ATTRS.put("quota", VT.DURATION);
    PRINCIPAL_ATTRS.put("manager", VT.EMPLOYEE);
    PRINCIPAL_ATTRS.put("clearance", VT.INT);
    RESOURCE_ATTRS.put("env", VT.STRING);
    RESOURCE_ATTRS.put("tags", VT.SET_STRING);
    RESOURCE_ATTRS.put("size", VT.INT);
    RESOURCE_ATTRS.put("owner", VT.EMPLOYEE);
    RESOURCE_ATTRS.put("classification", VT.STRING);
    RESOURCE_ATTRS.put("retention", VT.DURATION);
    RESOURCE_ATTRS.put("created", VT.TIME);
    RESOURCE_ATTRS.put("public", VT.BOOL);
    PARAMS.put("ticket", VT.STRING);
    PARAMS.put("sev", VT.INT);
    PARAMS.put("window", VT.DURATION);
    PARAMS.put("until", VT.TIME);
    PARAMS.put("services", VT.SET_STRING);
    PARAMS.put("lead", VT.EMPLOYEE);
    PARAMS.put("dryrun", VT.BOOL);
    PARAMS.put("approvers", VT.SET_EMPLOYEE);
  }

  public final boolean strict;
  public final Map<String, TypeDef> types = new LinkedHashMap<>();
  /** Action name to the resource types it is declared on (empty: any). */
  public final Map<String, List<String>> actions = new LinkedHashMap<>();
  public final Map<String, List<String>> groups = new LinkedHashMap<>();
  public final List<String> wildcards = List.of("db:*", "s3:*", "logs:*", "*");
  public final List<IntentModel> intents = new ArrayList<>();
  public final List<RuleModel> rules = new ArrayList<>();
  public final boolean declareActions;
  /** Most tagged types share this tag type, so that tag reads across a selector's types have one type. */
  private final VT usualTagType;

  public SchemaModel(Rand r, boolean strict) {
    this.strict = strict;
    this.declareActions = strict || r.chance(0.5);
    this.usualTagType = r.pick(TAG_TYPES);
    principal(r, "Employee", EntityKind.HUMAN, List.of("Team"), List.of("alice", "bob", "carol", "dave", "erin"), true);
    if (r.chance(0.5)) {
      principal(r, "Contractor", EntityKind.HUMAN, List.of("Team"), List.of("frank", "gina"), false);
    }
    if (r.chance(0.8)) {
      principal(r, "Workload", EntityKind.MACHINE, List.of("Cluster", "Team"), List.of("ci", "batch"), false);
    }
    principal(r, "Assistant", EntityKind.AGENT, List.of("Team"), List.of("triage", "helper"), false);
    if (r.chance(0.5)) {
      principal(r, "SubAgent", EntityKind.AGENT, List.of("Team"), List.of("sub1", "sub2"), false);
    }
    types.put("Team", new TypeDef("Team", EntityKind.GROUP, List.of("Team"), Map.of(),
        List.of("root", "eng", "sre", "sec", "owners", "leads"), null));
    types.put("Cluster", new TypeDef("Cluster", EntityKind.GROUP, List.of("Cluster"), Map.of(),
        List.of("global", "prod", "eu", "dev"), null));
    resource(r, "Database", List.of("Cluster"), List.of("orders", "users", "scratch"));
    resource(r, "Bucket", List.of("Cluster", "Team"), List.of("logs", "backups"));
    boolean dashboard = r.chance(0.5);
    if (dashboard) {
      resource(r, "Dashboard", List.of("Team"), List.of("main", "ops"));
    }

    actions.put("db:select", List.of("Database"));
    actions.put("db:insert", List.of("Database"));
    actions.put("db:delete", List.of("Database"));
    actions.put("s3:get", List.of("Bucket"));
    actions.put("s3:put", List.of("Bucket"));
    actions.put("logs:read", dashboard ? List.of("Database", "Bucket", "Dashboard") : List.of("Database", "Bucket"));
    actions.put("dash:view", dashboard ? List.of("Dashboard") : List.of("Database"));
    actions.put("admin:audit", List.of());
    groups.put("db:read", List.of("db:select"));
    groups.put("db:write", List.of("db:insert", "db:delete"));
    groups.put("writes", List.of("db:write", "s3:put"));
    groups.put("reads", List.of("db:read", "s3:get", "logs:read"));
    groups.put("everything", List.of("reads", "writes", "admin:audit"));
  }

  private void principal(Rand r, String name, EntityKind kind, List<String> memberOf, List<String> ids,
                         boolean employee) {
    Map<String, Attr> attrs = new LinkedHashMap<>();
    for (Map.Entry<String, VT> a : PRINCIPAL_ATTRS.entrySet()) {
      boolean always = a.getKey().equals("level") || (employee && a.getKey().equals("dept"));
      if (always || r.chance(0.55)) {
        attrs.put(a.getKey(), new Attr(a.getKey(), a.getValue(), !always && r.chance(0.35)));
      }
    }
    types.put(name, new TypeDef(name, kind, memberOf, attrs, ids, tagType(r, 0.55)));
  }

  private void resource(Rand r, String name, List<String> memberOf, List<String> ids) {
    Map<String, Attr> attrs = new LinkedHashMap<>();
    for (Map.Entry<String, VT> a : RESOURCE_ATTRS.entrySet()) {
      boolean always = a.getKey().equals("env") || a.getKey().equals("tags");
      if (always || r.chance(0.55)) {
        attrs.put(a.getKey(), new Attr(a.getKey(), a.getValue(), !always && r.chance(0.35)));
      }
    }
    types.put(name, new TypeDef(name, EntityKind.RESOURCE, memberOf, attrs, ids, tagType(r, 0.6)));
  }

  /** A tag type for an entity type (mostly the usual one), or null for none. */
  private VT tagType(Rand r, double p) {
    if (!r.chance(p)) {
      return null;
    }
    return r.chance(0.8) ? usualTagType : r.pick(TAG_TYPES);
  }

  // ---- questions the generators ask -------------------------------------------------------

  public List<String> typesOfKind(EntityKind... kinds) {
    Set<EntityKind> wanted = Set.of(kinds);
    return types.values().stream().filter(t -> wanted.contains(t.kind())).map(TypeDef::name).toList();
  }

  public List<String> principalTypes() {
    return typesOfKind(EntityKind.HUMAN, EntityKind.MACHINE, EntityKind.AGENT);
  }

  public List<String> resourceTypes() {
    return typesOfKind(EntityKind.RESOURCE);
  }

  /** Whether an entity of {@code type} may be (transitively) in an entity of {@code ancestor}. */
  public boolean mayBeMemberOf(String type, String ancestor) {
    Set<String> seen = new TreeSet<>();
    List<String> todo = new ArrayList<>(List.of(type));
    while (!todo.isEmpty()) {
      String t = todo.remove(todo.size() - 1);
      if (t.equals(ancestor)) {
        return true;
      }
      TypeDef def = types.get(t);
      if (def != null && seen.add(t)) {
        todo.addAll(def.memberOf());
      }
    }
    return false;
  }

  /** The concrete actions an action item (name, group or wildcard) covers. */
  public Set<String> concrete(String item) {
    Set<String> out = new LinkedHashSet<>();
    if (item.endsWith("*")) {
      String prefix = item.substring(0, item.length() - 1);
      actions.keySet().stream().filter(a -> a.startsWith(prefix)).forEach(out::add);
    } else if (groups.containsKey(item)) {
      for (String m : groups.get(item)) {
        out.addAll(concrete(m));
      }
    } else {
      out.add(item);
    }
    return out;
  }

  /** Resource types the concrete actions apply to; all of them when one applies to any. */
  public Set<String> resourceTypesOf(Set<String> concreteActions) {
    Set<String> out = new LinkedHashSet<>();
    for (String a : concreteActions) {
      List<String> on = actions.get(a);
      if (on == null || on.isEmpty()) {
        return new LinkedHashSet<>(resourceTypes());
      }
      on.stream().filter(types::containsKey).forEach(out::add);
    }
    return out;
  }

  /** Whether an item may be used with resources of these types (the checker's rule for action items). */
  public boolean itemAppliesTo(String item, Set<String> resourceTypes) {
    if (item.endsWith("*") || resourceTypes.isEmpty()) {
      return true;
    }
    Set<String> concrete = concrete(item);
    return concrete.isEmpty() || concrete.stream().anyMatch(a -> {
      List<String> on = actions.get(a);
      return on == null || on.isEmpty() || on.stream().anyMatch(resourceTypes::contains);
    });
  }

  public List<String> actionItems() {
    List<String> out = new ArrayList<>(actions.keySet());
    out.addAll(groups.keySet());
    out.addAll(wildcards);
    return out;
  }

  /** The attribute shared by every one of these types, or null (also when the set is empty). */
  public Attr commonAttr(Set<String> typeNames, String name) {
    if (typeNames.isEmpty()) {
      return null;
    }
    Attr found = null;
    for (String t : typeNames) {
      TypeDef def = types.get(t);
      Attr a = def == null ? null : def.attrs().get(name);
      if (a == null) {
        return null;
      }
      found = found == null || a.optional() ? a : found;
    }
    return found;
  }

  /**
   * The tag type every one of these types declares, or null when one declares none or they
   * differ (also when the set is empty). The checker types {@code e.getTag(k)} so.
   */
  public VT commonTagType(Set<String> typeNames) {
    VT found = null;
    for (String t : typeNames) {
      TypeDef def = types.get(t);
      if (def == null || def.tagType() == null || (found != null && found != def.tagType())) {
        return null;
      }
      found = def.tagType();
    }
    return found;
  }

  /**
   * Whether every one of these types declares tags (of whatever type): what the checker wants for
   * {@code hasTag} and {@code getTag} in strict mode. False for an empty set.
   */
  public boolean allDeclareTags(Set<String> typeNames) {
    return !typeNames.isEmpty() && typeNames.stream().allMatch(t -> types.get(t) != null
        && types.get(t).tagType() != null);
  }

  /** Whether some of these types declares the attribute (what the checker wants for `has`). */
  public boolean someDeclares(Set<String> typeNames, String name) {
    return typeNames.isEmpty() || typeNames.stream().anyMatch(t -> types.get(t) != null
        && types.get(t).attrs().containsKey(name));
  }

  // ---- rendering ------------------------------------------------------------------------

  /** The declarations as separate chunks of source (so that they can be shuffled between files). */
  public List<String> declarations() {
    List<String> out = new ArrayList<>();
    if (strict) {
      for (TypeDef t : types.values()) {
        StringBuilder s = new StringBuilder(t.kind().keyword()).append(' ').append(t.name());
        if (!t.memberOf().isEmpty()) {
          s.append(" in [").append(String.join(", ", t.memberOf())).append(']');
        }
        if (!t.attrs().isEmpty()) {
          s.append(" {");
          List<String> attrs = new ArrayList<>();
          for (Attr a : t.attrs().values()) {
            attrs.add(" " + a.name() + (a.optional() ? "?" : "") + ": " + a.type().text);
          }
          s.append(String.join(",", attrs)).append(" }");
        }
        if (t.tagType() != null) {
          s.append(" tags ").append(t.tagType().text);
        }
        out.add(s.toString());
      }
    }
    if (declareActions) {
      Map<List<String>, List<String>> byTypes = new LinkedHashMap<>();
      actions.forEach((a, on) -> byTypes.computeIfAbsent(on, k -> new ArrayList<>()).add(a));
      byTypes.forEach((on, names) -> out.add("action " + String.join(", ", names.stream().map(Gens::quote).toList())
          + (on.isEmpty() || !strict ? "" : " on " + String.join(", ", on))));
    }
    groups.forEach((g, members) -> out.add("action group " + Gens.quote(g) + " = ["
        + String.join(", ", members.stream().map(Gens::quote).toList()) + "]"));
    return out;
  }
}
