package dev.writ.language.check;

import dev.writ.language.vocab.EntityKind;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Selector;
import dev.writ.language.ast.Str;
import dev.writ.language.diag.DiagnosticCode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Warnings about valid rules that are probably not what their author meant. */
final class Lint implements CheckStage {
  @Override
  public String id() {
    return "lint";
  }

  @Override
  public void run(CheckContext ctx) {
    UnconditionalForbids forbids = new UnconditionalForbids(ctx.rules);
    for (CheckedRule rule : ctx.rules) {
      if (!rule.isGrant()) {
        continue;
      }
      RuleDecl r = rule.decl();
      if (r.clause(RuleDecl.TtlClause.class).isEmpty() && r.meta(RuleDecl.ClauseKind.STANDING).isEmpty()) {
        ctx.report(DiagnosticCode.LINT_STANDING_GRANT, r.name().span(), "grant `" + rule.fullName()
            + "` has no `ttl`: what it grants is standing privilege", "bound it with `ttl 1h` (or the task's length); "
            + "if standing access is intended, say why: `standing \"...\"`");
      }
      unsponsoredAgents(ctx, rule);
      if (r.clause(RuleDecl.IntentClause.class).isEmpty() && namesAgents(ctx, r)) {
        ctx.report(DiagnosticCode.LINT_AGENT_WITHOUT_INTENT, r.name().span(), "grant `" + rule.fullName()
            + "` lets agents act without a declared task", "add an `intent` clause so that agent access is "
            + "bound to a task and checked for drift");
      }
      for (CheckedRule f : forbids.candidatesFor(r)) {
        if (overrides(ctx, f.decl(), r)) {
          ctx.report(DiagnosticCode.LINT_OVERRIDDEN_GRANT, r.name().span(), "grant `" + rule.fullName()
              + "` never takes effect: forbid `" + f.fullName() + "` always overrides it",
              "narrow the forbid with a condition, or remove the grant");
          break;
        }
      }
    }
  }

  /**
   * The forbids that could always override a grant: only unconditional ones, filed by the
   * entities their principal alternatives are `in` (such a forbid can only cover a grant
   * alternative with the same `in`), so that each grant is compared with few forbids instead of
   * all of them. Without this the stage was quadratic in the number of rules.
   */
  private static final class UnconditionalForbids {
    private final List<CheckedRule> general = new java.util.ArrayList<>();
    private final java.util.Map<dev.writ.language.ast.EntityLiteral, List<CheckedRule>> byIn = new java.util.HashMap<>();

    UnconditionalForbids(List<CheckedRule> rules) {
      for (CheckedRule f : rules) {
        if (f.isGrant() || conditional(f.decl())) {
          continue;
        }
        Optional<RuleDecl.PrincipalClause> p = f.decl().clause(RuleDecl.PrincipalClause.class);
        boolean allIn = p.isPresent() && p.get().selector().alternatives().stream().allMatch(a -> a.in().isPresent());
        if (!allIn) {
          general.add(f);
        } else {
          for (Selector.Alt a : p.get().selector().alternatives()) {
            byIn.computeIfAbsent(a.in().get(), k -> new java.util.ArrayList<>()).add(f);
          }
        }
      }
    }

    List<CheckedRule> candidatesFor(RuleDecl grant) {
      if (byIn.isEmpty()) {
        return general;
      }
      // Distinct by identity: a CheckedRule is a record holding its whole file, so hashing one
      // hashes every declaration of the file, and a hash set of them made this stage quadratic.
      List<CheckedRule> out = new java.util.ArrayList<>(general);
      Set<CheckedRule> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      seen.addAll(general);
      grant.clause(RuleDecl.PrincipalClause.class).ifPresent(p -> p.selector().alternatives().forEach(a ->
          a.in().ifPresent(in -> byIn.getOrDefault(in, List.of()).forEach(f -> {
            if (seen.add(f)) {
              out.add(f);
            }
          }))));
      return out;
    }
  }

  private static boolean conditional(RuleDecl f) {
    return f.clauses().stream().anyMatch(c -> c instanceof RuleDecl.Condition
        || (c instanceof RuleDecl.ResourceClause rc && rc.when().isPresent()) || c instanceof RuleDecl.IntentClause);
  }

  /**
   * A grant whose principal selector names agents without {@code delegated} admits an agent acting
   * on its own (delegation depth 0): "SREs and their agents" written as {@code Employee in
   * Team::"sre", agent} also admits every agent with no sponsor at all.
   */
  private static void unsponsoredAgents(CheckContext ctx, CheckedRule rule) {
    RuleDecl r = rule.decl();
    Optional<RuleDecl.PrincipalClause> p = r.clause(RuleDecl.PrincipalClause.class);
    if (p.isEmpty()) {
      return;
    }
    boolean hasDelegate = r.clause(RuleDecl.DelegateClause.class).isPresent();
    boolean reported = false;
    for (Selector.Alt alt : p.get().selector().alternatives()) {
      String text = dev.writ.language.ast.Printer.print(alt);
      if (!alt.delegated() && !reported && namesAgent(ctx, alt)) {
        ctx.report(DiagnosticCode.LINT_UNSPONSORED_AGENT, alt.span(), "grant `" + rule.fullName() + "` admits `"
            + text + "` acting with no sponsor", "if it is meant for agents acting for a sponsor, write `delegated "
            + text + "`" + (hasDelegate ? "" : " and add a `delegate` clause"));
        reported = true;
      }
      if (alt.delegated() && !hasDelegate) {
        ctx.report(DiagnosticCode.LINT_DELEGATED_WITHOUT_DELEGATE, alt.span(), "`" + text + "` never takes effect: "
            + "grant `" + rule.fullName() + "` has no `delegate` clause", "add `delegate agent depth 1` (or the depth "
            + "a sponsor may hand on), or remove the alternative");
      }
    }
  }

  private static boolean namesAgent(CheckContext ctx, Selector.Alt alt) {
    if (alt.target() instanceof Selector.KindTarget k) {
      return k.kind() == KindName.AGENT;
    }
    String type = alt.target() instanceof Selector.TypeTarget t ? t.type().value()
        : ((Selector.EntityTarget) alt.target()).entity().type().value();
    return ctx.schema.type(type).map(d -> d.kind() == EntityKind.AGENT).orElse(false);
  }

  private static boolean namesAgents(CheckContext ctx, RuleDecl r) {
    Optional<RuleDecl.PrincipalClause> p = r.clause(RuleDecl.PrincipalClause.class);
    if (p.isEmpty()) {
      return false;
    }
    for (Selector.Alt alt : p.get().selector().alternatives()) {
      if (alt.target() instanceof Selector.KindTarget k && k.kind() == KindName.AGENT) {
        return true;
      }
      String type = alt.target() instanceof Selector.TypeTarget t ? t.type().value()
          : alt.target() instanceof Selector.EntityTarget e ? e.entity().type().value() : null;
      if (type != null && ctx.schema.type(type).map(d -> d.kind() == EntityKind.AGENT).orElse(false)) {
        return true;
      }
    }
    return false;
  }

  /** Whether forbid {@code f} applies whenever grant {@code g} does (a conservative test). */
  private static boolean overrides(CheckContext ctx, RuleDecl f, RuleDecl g) {
    return selectorCovers(ctx, f.clause(RuleDecl.PrincipalClause.class).map(RuleDecl.PrincipalClause::selector),
            g.clause(RuleDecl.PrincipalClause.class).map(RuleDecl.PrincipalClause::selector))
        && selectorCovers(ctx, f.clause(RuleDecl.ResourceClause.class).map(RuleDecl.ResourceClause::selector),
            g.clause(RuleDecl.ResourceClause.class).map(RuleDecl.ResourceClause::selector))
        && actionsCover(ctx, f.clause(RuleDecl.ActionClause.class).map(RuleDecl.ActionClause::actions),
            g.clause(RuleDecl.ActionClause.class).map(RuleDecl.ActionClause::actions));
  }

  private static boolean selectorCovers(CheckContext ctx, Optional<Selector> f, Optional<Selector> g) {
    if (f.isEmpty() || f.get().alternatives().stream().anyMatch(a -> a.in().isEmpty()
        && a.target() instanceof Selector.KindTarget k && k.kind() == KindName.ANY)) {
      return true;
    }
    if (g.isEmpty()) {
      return false;
    }
    return g.get().alternatives().stream().allMatch(ga -> f.get().alternatives().stream().anyMatch(fa -> altCovers(ctx, fa, ga)));
  }

  private static boolean altCovers(CheckContext ctx, Selector.Alt f, Selector.Alt g) {
    if (f.in().isPresent() && !f.in().equals(g.in())) {
      return false;
    }
    if (f.target() instanceof Selector.KindTarget fk) {
      if (g.target() instanceof Selector.KindTarget gk) {
        return fk.kind() == KindName.ANY || fk.kind() == gk.kind();
      }
      String type = g.target() instanceof Selector.TypeTarget t ? t.type().value()
          : ((Selector.EntityTarget) g.target()).entity().type().value();
      return fk.kind() == KindName.ANY || ctx.schema.type(type).map(d -> fk.kind().matches(d.kind())).orElse(false);
    }
    if (f.target() instanceof Selector.TypeTarget ft) {
      String type = g.target() instanceof Selector.TypeTarget t ? t.type().value()
          : g.target() instanceof Selector.EntityTarget e ? e.entity().type().value() : null;
      return ft.type().value().equals(type);
    }
    return f.target().equals(g.target());
  }

  private static boolean actionsCover(CheckContext ctx, Optional<List<Str>> f, Optional<List<Str>> g) {
    if (f.isEmpty() || f.get().stream().anyMatch(s -> s.value().equals("*"))) {
      return true;
    }
    if (g.isEmpty()) {
      return false;
    }
    for (Str item : g.get()) {
      String name = item.value();
      if (ActionNames.isWildcard(name)) {
        String prefix = name.substring(0, name.length() - 1);
        boolean covered = f.get().stream().anyMatch(s -> ActionNames.isWildcard(s.value())
            && prefix.startsWith(s.value().substring(0, s.value().length() - 1)));
        if (!covered) {
          return false;
        }
        continue;
      }
      Set<String> concrete = ctx.expandedGroups.containsKey(name) ? ctx.expandedGroups.get(name) : Set.of(name);
      for (String a : concrete) {
        if (f.get().stream().noneMatch(s -> ActionNames.covers(s.value(), a, ctx.expandedGroups))) {
          return false;
        }
      }
    }
    return true;
  }
}
