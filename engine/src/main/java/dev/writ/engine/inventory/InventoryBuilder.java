package dev.writ.engine.inventory;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.CompiledRule;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes the {@link Inventory} of a plan over entity data. A rule gives standing access to a
 * principal when it is a grant without {@code ttl}, without an intent clause and without
 * approvals, and its principal clause admits the principal; the access is every action of the
 * rule on every resource in the data that its resource clause admits (and, when the schema
 * declares the action, that the action applies to). Conditions are listed, not evaluated, and
 * forbids are not subtracted: both can depend on the request, and the inventory is about what
 * the grants make possible.
 */
public final class InventoryBuilder {
  private InventoryBuilder() {}

  /** The attribute that marks a resource sensitive: {@code sensitive: Bool} on its type, true on the entity. */
  public static final String SENSITIVE = "sensitive";

  private static final List<EntityKind> PRINCIPAL_KINDS = List.of(EntityKind.HUMAN, EntityKind.MACHINE,
      EntityKind.AGENT);

  /**
   * The reason a rule gives for standing access, from its plan data; null when it gives none.
   * The one place that reads it.
   */
  static String standingReason(PlanRule rule) {
    return rule.standing();
  }

  /**
   * Whether a principal alternative admits an agent directly (at depth 0, with no sponsor).
   * The one place that decides it.
   */
  static boolean admitsWithoutSponsor(PlanSelector alternative) {
    return !alternative.delegated(); // a `delegated` alternative admits only through a chain
  }

  public static Inventory build(EvaluationPlan plan, EntityStore entities) {
    Schema schema = plan.schema();
    List<Entity> all = new ArrayList<>(entities.entities());
    all.sort(Comparator.comparing(Entity::uid));
    List<Entity> principals = all.stream().filter(e -> e.kind() != null && e.kind().isPrincipal()).toList();
    List<Entity> resources = all.stream().filter(e -> e.kind() == EntityKind.RESOURCE).toList();
    Set<String> sensitiveTypes = sensitiveTypes(schema);

    List<CompiledRule> grants = new ArrayList<>();
    for (int i = 0; i < plan.ruleCount(); i++) {
      if (!plan.rule(i).forbid) {
        grants.add(plan.rule(i));
      }
    }
    // What each grant gives, per resource: computed once, shared by every principal it admits.
    Map<CompiledRule, Map<EntityUid, List<String>>> reach = new LinkedHashMap<>();
    for (CompiledRule r : grants) {
      reach.put(r, reach(r, schema, resources, entities));
    }

    List<Inventory.Principal> standing = new ArrayList<>();
    for (EntityKind kind : PRINCIPAL_KINDS) {
      for (Entity p : principals) {
        if (p.kind() != kind) {
          continue;
        }
        List<Inventory.Standing> list = new ArrayList<>();
        for (CompiledRule r : grants) {
          if (!isStanding(r.data) || !admits(r, entities, p.uid(), false)) {
            continue;
          }
          List<Inventory.Access> access = group(reach.get(r));
          if (!access.isEmpty()) {
            list.add(new Inventory.Standing(r.name, r.data.at(), standingReason(r.data), conditions(r.data), access));
          }
        }
        if (!list.isEmpty()) {
          standing.add(new Inventory.Principal(kind, p.uid(), list));
        }
      }
    }

    List<Inventory.Unsponsored> unsponsored = new ArrayList<>();
    for (Entity p : principals) {
      if (p.kind() != EntityKind.AGENT) {
        continue;
      }
      for (CompiledRule r : grants) {
        if (!admits(r, entities, p.uid(), true)) {
          continue;
        }
        Set<String> actions = new TreeSet<>();
        reach.get(r).values().forEach(actions::addAll);
        if (!actions.isEmpty()) {
          unsponsored.add(new Inventory.Unsponsored(p.uid(), r.name, r.data.at(), new ArrayList<>(actions)));
        }
      }
    }

    List<Inventory.Unapproved> unapproved = new ArrayList<>();
    for (CompiledRule r : grants) {
      if (!r.data.approvals().isEmpty()) {
        continue;
      }
      reach.get(r).forEach((resource, actions) -> {
        if (sensitive(entities.get(resource), sensitiveTypes)) {
          unapproved.add(new Inventory.Unapproved(r.name, r.data.at(), resource, actions));
        }
      });
    }
    return new Inventory(principals.size(), standing, unsponsored, !sensitiveTypes.isEmpty(), unapproved);
  }

  /** No {@code ttl}, no intent clause, no approval: usable without a just-in-time request. */
  static boolean isStanding(PlanRule r) {
    return !r.forbid() && r.ttlSeconds() == null && r.intents() == null && r.approvals().isEmpty();
  }

  /** Whether the rule's principal clause admits the principal (with {@code direct}: by an alternative that needs no sponsor). */
  private static boolean admits(CompiledRule r, EntityStore entities, EntityUid principal, boolean direct) {
    List<Integer> alternatives = r.principalAlternatives(entities, principal);
    if (alternatives == null) {
      return true; // no principal clause: anyone, directly
    }
    if (!direct) {
      return !alternatives.isEmpty();
    }
    for (int i : alternatives) {
      if (admitsWithoutSponsor(r.data.principal().get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Per resource in the data, the actions of the rule that apply to it, in name order. */
  private static Map<EntityUid, List<String>> reach(CompiledRule r, Schema schema, List<Entity> resources,
                                                    EntityStore entities) {
    Set<String> candidates = new TreeSet<>();
    for (Map.Entry<String, Schema.ActionDef> a : schema.actions().entrySet()) {
      if (!schema.isGroup(a.getKey())) {
        candidates.add(a.getKey());
      }
    }
    if (r.data.actions() != null) {
      r.data.actions().stream().filter(a -> !a.endsWith("*")).forEach(candidates::add);
    }
    List<String> actions = candidates.stream().filter(r::actionMatches).toList();
    Map<EntityUid, List<String>> out = new LinkedHashMap<>();
    for (Entity e : resources) {
      if (!r.resourceMatches(entities, e.uid())) {
        continue;
      }
      List<String> on = new ArrayList<>();
      for (String a : actions) {
        Schema.ActionDef def = schema.actions().get(a);
        if (def == null || def.appliesTo(e.uid().type())) {
          on.add(a);
        }
      }
      if (!on.isEmpty()) {
        out.put(e.uid(), on);
      }
    }
    return out;
  }

  /** Resources with the same actions together, in the order their first resource comes. */
  private static List<Inventory.Access> group(Map<EntityUid, List<String>> reach) {
    Map<List<String>, List<EntityUid>> byActions = new LinkedHashMap<>();
    reach.forEach((uid, actions) -> byActions.computeIfAbsent(actions, k -> new ArrayList<>()).add(uid));
    List<Inventory.Access> out = new ArrayList<>();
    byActions.forEach((actions, uids) -> out.add(new Inventory.Access(actions, uids)));
    return out;
  }

  private static List<String> conditions(PlanRule r) {
    List<String> out = new ArrayList<>();
    for (PlanRule.Condition c : r.conditions()) {
      out.add(c.text()); // with its keyword: `when ...`, `unless ...`, `resource when ...`
    }
    return out;
  }

  private static Set<String> sensitiveTypes(Schema schema) {
    Set<String> out = new TreeSet<>();
    schema.entityTypes().forEach((name, def) -> {
      Schema.AttributeDef a = def.attributes().get(SENSITIVE);
      if (def.kind() == EntityKind.RESOURCE && a != null && a.type().tag() == Type.Tag.BOOL) {
        out.add(name);
      }
    });
    return out;
  }

  private static boolean sensitive(Entity e, Set<String> sensitiveTypes) {
    return e != null && sensitiveTypes.contains(e.uid().type())
        && e.attributes().get(SENSITIVE) instanceof Value.Bool b && b.value();
  }
}
