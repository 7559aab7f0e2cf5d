package dev.writ.language.check;

import dev.writ.language.ast.Name;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Str;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.vocab.Suggestions;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/** Rule structure and scopes: repeated and misplaced clauses, counts, intents, actions, selectors. */
final class CheckRules implements CheckStage {
  @Override
  public String id() {
    return "check-rules";
  }

  @Override
  public void run(CheckContext ctx) {
    for (CheckedRule rule : ctx.rules) {
      RuleDecl r = rule.decl();
      Map<RuleDecl.ClauseKind, RuleDecl.Clause> seen = new EnumMap<>(RuleDecl.ClauseKind.class);
      for (RuleDecl.Clause c : r.clauses()) {
        RuleDecl.Clause first = seen.putIfAbsent(c.kind(), c);
        if (first != null && !c.kind().mayRepeat()) {
          ctx.report(DiagnosticCode.RULE_DUPLICATE_CLAUSE, c.span(), "`" + c.kind().keyword() + "` appears twice in `"
              + rule.fullName() + "`", "first at " + first.span().position()
              + "; only `when`, `unless`, `approval` and `obligation` may repeat");
        }
        if (c.kind().grantOnly() && r.effect() == RuleDecl.Effect.FORBID) {
          ctx.report(DiagnosticCode.RULE_GRANT_ONLY_CLAUSE, c.span(), "`" + c.kind().keyword()
              + "` has no meaning in a `forbid`", "`ttl`, `approval`, `delegate` and `standing` belong to `grant` rules");
        }
        switch (c.kind()) {
          case TTL -> {
            if (((RuleDecl.TtlClause) c).seconds() == 0) {
              ctx.report(DiagnosticCode.RULE_ZERO_DURATION, c.span(), "`ttl 0s` would issue grants that are already "
                  + "expired", "give a positive duration such as `ttl 1h`");
            }
          }
          case STANDING -> {
            RuleDecl.MetaClause st = (RuleDecl.MetaClause) c;
            if (st.values().get(0).value().isBlank()) {
              ctx.report(DiagnosticCode.RULE_STANDING_WITHOUT_REASON, c.span(), "`standing` needs a reason",
                  "say why this access must not expire: `standing \"auditors need read access at all times\"`");
            }
            r.clause(RuleDecl.TtlClause.class).ifPresent(t -> ctx.report(DiagnosticCode.RULE_STANDING_WITH_TTL,
                c.span(), "`" + rule.fullName() + "` says both `ttl` and `standing`", "a grant is either bounded "
                    + "(`ttl`, at " + t.span().position() + ") or standing on purpose: remove one of them"));
          }
          case DELEGATE -> {
            if (((RuleDecl.DelegateClause) c).depth() < 1) {
              ctx.report(DiagnosticCode.RULE_INVALID_COUNT, c.span(), "delegation depth must be at least 1",
                  "leave out `delegate` to allow direct requests only");
            }
          }
          case APPROVAL -> {
            RuleDecl.ApprovalClause a = (RuleDecl.ApprovalClause) c;
            if (a.count() < 1) {
              ctx.report(DiagnosticCode.RULE_INVALID_COUNT, c.span(), "an approval needs at least 1 approver",
                  "leave out `approval` if none is needed");
            }
            if (ctx.strict) {
              ResolveSchema.requireType(ctx, a.from().type());
            }
          }
          case INTENT -> {
            for (Name intent : ((RuleDecl.IntentClause) c).intents()) {
              if (!ctx.intents.containsKey(intent.value())) {
                ctx.report(DiagnosticCode.NAME_UNKNOWN_INTENT, intent.span(), "unknown intent `" + intent.value() + "`",
                    Suggestions.hint(intent.value(), ctx.intents.keySet())
                        .orElse("intents are declared with `intent " + intent.value() + " { ... }`"));
              }
            }
          }
          default -> { }
        }
      }
      scopes(ctx, r);
    }
  }

  private static void scopes(CheckContext ctx, RuleDecl r) {
    Optional<RuleDecl.ActionClause> actionClause = r.clause(RuleDecl.ActionClause.class);
    List<Str> items = actionClause.map(RuleDecl.ActionClause::actions).orElse(List.of());
    SortedSet<String> actions = Scopes.actions(ctx, items);
    SortedSet<String> principals = r.clause(RuleDecl.PrincipalClause.class)
        .map(p -> Scopes.principal(ctx, p.selector()))
        .orElseGet(() -> ctx.schema.typesOfKind(Scopes.PRINCIPAL_KINDS));
    boolean anyAction = actionClause.isEmpty() || items.stream().anyMatch(s -> ActionNames.isWildcard(s.value()));
    SortedSet<String> resources = r.clause(RuleDecl.ResourceClause.class)
        .map(rc -> Scopes.resource(ctx, rc.selector()))
        .orElseGet(() -> Scopes.resourceTypesOf(ctx, actions, anyAction));
    Scopes.actionsOnResources(ctx, items, resources);
    ctx.principalTypes.put(r, principals);
    ctx.resourceTypes.put(r, resources);
  }
}
