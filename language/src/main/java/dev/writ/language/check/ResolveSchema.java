package dev.writ.language.check;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.Str;
import dev.writ.language.ast.TypeExpr;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.vocab.Suggestions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves the schema: member-of and attribute types, action declarations, and action groups
 * (members exist, no cycles, expanded to concrete actions).
 */
final class ResolveSchema implements CheckStage {
  @Override
  public String id() {
    return "resolve-schema";
  }

  @Override
  public void run(CheckContext ctx) {
    SortedMap<String, Schema.EntityTypeDef> types = new TreeMap<>();
    for (Declaration.EntityType e : ctx.entityDecls.values()) {
      SortedSet<String> memberOf = new TreeSet<>();
      for (Name parent : e.memberOf()) {
        if (requireType(ctx, parent)) {
          memberOf.add(parent.value());
        }
      }
      Map<String, Schema.AttributeDef> attrs = new LinkedHashMap<>();
      Map<String, Declaration.AttributeDecl> firstDecl = new HashMap<>();
      for (Declaration.AttributeDecl a : e.attributes()) {
        Declaration.AttributeDecl first = firstDecl.putIfAbsent(a.name().value(), a);
        if (first != null) {
          ctx.report(DiagnosticCode.NAME_DUPLICATE, a.name().span(),
              "attribute `" + a.name().value() + "` of `" + e.name().value() + "` is declared twice",
              "first declared at " + first.name().span().position());
          continue;
        }
        attrs.put(a.name().value(), new Schema.AttributeDef(resolveType(ctx, a.type()), a.optional()));
      }
      Type tagType = e.tags().map(t -> resolveType(ctx, t)).orElse(null);
      types.put(e.name().value(), new Schema.EntityTypeDef(e.name().value(), e.entityKind(), memberOf, attrs, tagType));
    }

    SortedMap<String, Schema.ActionDef> actions = new TreeMap<>();
    // One `action "a", "b" on T` declares several actions: resolve (and report) its types once.
    Map<Declaration.Actions, SortedSet<String>> resolvedOn = new java.util.IdentityHashMap<>();
    for (Map.Entry<String, Declaration.Actions> entry : ctx.actionDecls.entrySet()) {
      Declaration.Actions decl = entry.getValue();
      Str name = decl.actions().stream().filter(s -> s.value().equals(entry.getKey())).findFirst().orElseThrow();
      checkName(ctx, name, false);
      SortedSet<String> on = resolvedOn.computeIfAbsent(decl, d -> {
        SortedSet<String> resolved = new TreeSet<>();
        for (Name t : d.resourceTypes()) {
          if (requireType(ctx, t)) {
            resolved.add(t.value());
          }
        }
        return resolved;
      });
      actions.put(entry.getKey(), new Schema.ActionDef(entry.getKey(), on));
    }

    SortedMap<String, SortedSet<String>> groups = new TreeMap<>();
    for (Declaration.ActionGroup g : ctx.groupDecls.values()) {
      checkName(ctx, g.name(), false);
      SortedSet<String> members = new TreeSet<>();
      for (Str m : g.members()) {
        if (!checkName(ctx, m, false)) {
          continue;
        }
        if (ctx.strict && !actions.containsKey(m.value()) && !ctx.groupDecls.containsKey(m.value())) {
          List<String> known = new ArrayList<>(actions.keySet());
          known.addAll(ctx.groupDecls.keySet());
          ctx.report(DiagnosticCode.NAME_UNKNOWN_ACTION, m.span(), "unknown action `" + m.value() + "` in group `"
              + g.name().value() + "`", Suggestions.hint(m.value(), known).orElse(null));
          continue;
        }
        members.add(m.value());
      }
      groups.put(g.name().value(), members);
    }
    ctx.schema = new Schema(ctx.strict, types, actions, groups);
    expandGroups(ctx, groups);
  }

  /** Expands each group to concrete actions, reporting each cycle once. */
  private static void expandGroups(CheckContext ctx, Map<String, SortedSet<String>> groups) {
    Map<String, SortedSet<String>> done = new HashMap<>();
    java.util.Set<String> reported = new java.util.HashSet<>();
    for (String g : groups.keySet()) {
      expand(ctx, g, groups, done, new ArrayList<>(), reported);
    }
    ctx.expandedGroups.putAll(done);
  }

  private static SortedSet<String> expand(CheckContext ctx, String group, Map<String, SortedSet<String>> groups,
                                          Map<String, SortedSet<String>> done, List<String> path,
                                          java.util.Set<String> reported) {
    SortedSet<String> cached = done.get(group);
    if (cached != null) {
      return cached;
    }
    int at = path.indexOf(group);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
      cycle.add(group);
      if (reported.add(new TreeSet<>(cycle).toString())) {
        Declaration.ActionGroup decl = ctx.groupDecls.get(group);
        ctx.report(DiagnosticCode.ACTION_GROUP_CYCLE, decl.name().span(),
            "action groups contain each other: " + String.join(" -> ", cycle.stream().map(s -> "`" + s + "`").toList()),
            "a group may contain other groups, but not itself, directly or through others");
      }
      return new TreeSet<>();
    }
    path.add(group);
    SortedSet<String> out = new TreeSet<>();
    for (String m : groups.get(group)) {
      if (groups.containsKey(m)) {
        out.addAll(expand(ctx, m, groups, done, path, reported));
      } else {
        out.add(m);
      }
    }
    path.remove(path.size() - 1);
    done.put(group, out);
    return out;
  }

  private static boolean checkName(CheckContext ctx, Str name, boolean wildcardAllowed) {
    String problem = ActionNames.problem(name.value(), wildcardAllowed);
    if (problem == null) {
      return true;
    }
    ctx.report(name.value().isEmpty() ? DiagnosticCode.ACTION_EMPTY_NAME : DiagnosticCode.ACTION_INVALID_WILDCARD,
        name.span(), problem);
    return false;
  }

  /** In strict mode, reports an unknown entity type. Returns whether the type is usable. */
  static boolean requireType(CheckContext ctx, Name name) {
    if (!ctx.strict || ctx.entityDecls.containsKey(name.value())) {
      return true;
    }
    ctx.report(DiagnosticCode.NAME_UNKNOWN_TYPE, name.span(), "unknown entity type `" + name.value() + "`",
        Suggestions.hint(name.value(), ctx.entityDecls.keySet()).orElse(null));
    return false;
  }

  static Type resolveType(CheckContext ctx, TypeExpr t) {
    if (t instanceof TypeExpr.Primitive p) {
      return switch (p.kind()) {
        case STRING -> Type.STRING;
        case INT -> Type.INT;
        case BOOL -> Type.BOOL;
        case DURATION -> Type.DURATION;
        case TIME -> Type.TIME;
      };
    }
    if (t instanceof TypeExpr.SetOf s) {
      return Type.setOf(resolveType(ctx, s.element()));
    }
    if (t instanceof TypeExpr.RecordOf r) {
      java.util.Map<String, Schema.AttributeDef> fields = new java.util.LinkedHashMap<>();
      for (dev.writ.language.ast.Declaration.AttributeDecl f : r.fields()) {
        if (fields.putIfAbsent(f.name().value(), new Schema.AttributeDef(resolveType(ctx, f.type()), f.optional())) != null) {
          ctx.report(DiagnosticCode.NAME_DUPLICATE, f.name().span(), "field `" + f.name().value()
              + "` is declared twice in this record type");
        }
      }
      return Type.record(fields);
    }
    Name name = ((TypeExpr.Named) t).name();
    return requireType(ctx, name) ? Type.entity(name.value()) : Type.DYNAMIC;
  }
}
