package dev.writ.language.check;
import dev.writ.language.vocab.Schema;

import dev.writ.language.vocab.EntityKind;
import dev.writ.language.ast.EntityLiteral;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.Selector;
import dev.writ.language.ast.Str;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.vocab.Suggestions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Checks selectors and action lists, and works out which entity types a scope admits. */
final class Scopes {
  private Scopes() {}

  static final Set<EntityKind> PRINCIPAL_KINDS = EnumSet.of(EntityKind.HUMAN, EntityKind.MACHINE, EntityKind.AGENT);

  /** The types a principal selector admits, reporting wrong kinds and unknown names. */
  static SortedSet<String> principal(CheckContext ctx, Selector sel) {
    SortedSet<String> out = new TreeSet<>();
    for (Selector.Alt alt : sel.alternatives()) {
      SortedSet<String> admitted = new TreeSet<>();
      if (alt.target() instanceof Selector.KindTarget k) {
        admitted.addAll(ctx.schema.typesOfKind(k.kind() == KindName.ANY ? PRINCIPAL_KINDS : EnumSet.of(k.kind().entityKind())));
      } else {
        Name type = alt.target() instanceof Selector.TypeTarget t ? t.type()
            : ((Selector.EntityTarget) alt.target()).entity().type();
        if (ctx.strict && ResolveSchema.requireType(ctx, type)) {
          EntityKind kind = ctx.schema.entityTypes().get(type.value()).kind();
          if (!kind.isPrincipal()) {
            ctx.report(DiagnosticCode.RULE_WRONG_KIND, type.span(), "`" + type.value() + "` is a " + kind.keyword()
                + " type and cannot be a principal", "principals are declared with `human`, `machine` or `agent`");
          } else {
            admitted.add(type.value()); // a wrong kind is not admitted, so it causes no further errors
          }
        }
      }
      alt.in().ifPresent(in -> membership(ctx, admitted, in));
      out.addAll(admitted);
    }
    return out;
  }

  /**
   * The types a resource selector admits. As in Cedar any entity may be a resource: principal
   * kinds and types too (managing identities is governed access); groups are not resources.
   */
  static SortedSet<String> resource(CheckContext ctx, Selector sel) {
    SortedSet<String> out = new TreeSet<>();
    for (Selector.Alt alt : sel.alternatives()) {
      if (alt.delegated()) {
        ctx.report(DiagnosticCode.RULE_DELEGATED_RESOURCE, alt.span(), "`delegated` qualifies principals, "
            + "not resources", "remove `delegated`; to admit agents only under a delegation, write `delegated agent` "
            + "in the `principal` selector");
      }
      SortedSet<String> admitted = new TreeSet<>();
      if (alt.target() instanceof Selector.KindTarget k) {
        admitted.addAll(ctx.schema.typesOfKind(EnumSet.of(k.kind() == KindName.ANY ? EntityKind.RESOURCE
            : k.kind().entityKind())));
      } else {
        Name type = alt.target() instanceof Selector.TypeTarget t ? t.type()
            : ((Selector.EntityTarget) alt.target()).entity().type();
        if (ctx.strict && ResolveSchema.requireType(ctx, type)) {
          EntityKind kind = ctx.schema.entityTypes().get(type.value()).kind();
          if (kind == EntityKind.GROUP) {
            ctx.report(DiagnosticCode.RULE_WRONG_KIND, type.span(), "`" + type.value() + "` is a group type, not a "
                + "resource or principal type", "select the resources in it: `resource Database in "
                + type.value() + "::\"...\"`");
          } else {
            admitted.add(type.value()); // a wrong kind is not admitted, so it causes no further errors
          }
        }
      }
      alt.in().ifPresent(in -> membership(ctx, admitted, in));
      out.addAll(admitted);
    }
    return out;
  }

  private static void membership(CheckContext ctx, SortedSet<String> admitted, EntityLiteral in) {
    if (!ctx.strict || !ResolveSchema.requireType(ctx, in.type()) || admitted.isEmpty()) {
      return;
    }
    String target = in.type().value();
    List<String> possible = admitted.stream().filter(t -> ctx.schema.mayBeMemberOf(t, target)).toList();
    if (possible.isEmpty()) {
      ctx.report(DiagnosticCode.RULE_IMPOSSIBLE_MEMBERSHIP, in.span(), "no " + String.join(" or ", admitted)
          + " can be in a `" + target + "`: the schema does not allow it", "add `" + target
          + "` to the type's `in [...]` list, or select another entity");
    }
    admitted.retainAll(possible);
  }

  /** Checks action items; returns the concrete declared actions they cover (strict mode). */
  static SortedSet<String> actions(CheckContext ctx, List<Str> items) {
    SortedSet<String> out = new TreeSet<>();
    for (Str item : items) {
      String name = item.value();
      String problem = ActionNames.problem(name, true);
      if (problem != null) {
        ctx.report(name.isEmpty() ? DiagnosticCode.ACTION_EMPTY_NAME : DiagnosticCode.ACTION_INVALID_WILDCARD,
            item.span(), problem);
        continue;
      }
      if (ActionNames.isWildcard(name)) {
        String prefix = name.substring(0, name.length() - 1);
        ctx.schema.actions().keySet().stream().filter(a -> a.startsWith(prefix)).forEach(out::add);
      } else if (ctx.expandedGroups.containsKey(name)) {
        out.addAll(ctx.expandedGroups.get(name));
      } else if (ctx.schema.actions().containsKey(name) || !ctx.strict) {
        out.add(name);
      } else {
        List<String> known = new ArrayList<>(ctx.schema.actions().keySet());
        known.addAll(ctx.schema.groups().keySet());
        ctx.report(DiagnosticCode.NAME_UNKNOWN_ACTION, item.span(), "unknown action `" + name + "`",
            Suggestions.hint(name, known).orElse(null));
      }
    }
    return out;
  }

  /** The resource types any of these actions applies to; all resource types when unconstrained. */
  static SortedSet<String> resourceTypesOf(CheckContext ctx, Set<String> actions, boolean anyAction) {
    SortedSet<String> all = ctx.schema.typesOfKind(EnumSet.of(EntityKind.RESOURCE));
    if (anyAction) {
      return all;
    }
    SortedSet<String> out = new TreeSet<>();
    for (String a : actions) {
      Schema.ActionDef def = ctx.schema.actions().get(a);
      if (def == null || def.resourceTypes().isEmpty()) {
        return all;
      }
      out.addAll(def.resourceTypes());
    }
    return out;
  }

  /** Strict mode: each action item must apply to at least one of the selected resource types. */
  static void actionsOnResources(CheckContext ctx, List<Str> items, SortedSet<String> resourceTypes) {
    if (!ctx.strict || resourceTypes.isEmpty()) {
      return;
    }
    for (Str item : items) {
      if (ActionNames.problem(item.value(), true) != null || ActionNames.isWildcard(item.value())) {
        continue;
      }
      Set<String> concrete = ctx.expandedGroups.containsKey(item.value())
          ? ctx.expandedGroups.get(item.value()) : Set.of(item.value());
      boolean applies = concrete.isEmpty() || concrete.stream().anyMatch(a -> {
        Schema.ActionDef def = ctx.schema.actions().get(a);
        return def == null || resourceTypes.stream().anyMatch(def::appliesTo);
      });
      if (!applies) {
        Schema.ActionDef def = ctx.schema.actions().get(concrete.iterator().next());
        ctx.report(DiagnosticCode.ACTION_NOT_ON_RESOURCE, item.span(), "action `" + item.value()
            + "` does not apply to " + String.join(" or ", resourceTypes), def == null ? null
            : "it is declared `on " + String.join(", ", def.resourceTypes()) + "`");
      }
    }
  }
}
