package dev.writ.language.check;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Str;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.source.Span;
import java.util.HashMap;
import java.util.Map;

/** Gathers the bundle's declarations into name tables and reports names declared twice. */
final class CollectDeclarations implements CheckStage {
  @Override
  public String id() {
    return "collect-declarations";
  }

  @Override
  public void run(CheckContext ctx) {
    Map<String, Span> ruleNames = new HashMap<>();
    int order = 0;
    for (PolicyFile file : ctx.files) {
      for (Declaration d : file.declarations()) {
        switch (d.kind()) {
          case ENTITY_TYPE -> {
            Declaration.EntityType e = (Declaration.EntityType) d;
            Declaration.EntityType first = ctx.entityDecls.putIfAbsent(e.name().value(), e);
            if (first != null) {
              duplicate(ctx, "entity type", e.name().value(), e.name().span(), first.name().span());
            }
            ctx.strict = true;
          }
          case ACTIONS -> {
            Declaration.Actions a = (Declaration.Actions) d;
            for (Str name : a.actions()) {
              if (ctx.actionDecls.containsKey(name.value())) {
                duplicate(ctx, "action", name.value(), name.span(), ctx.actionSpans.get(name.value()));
              } else {
                ctx.actionDecls.put(name.value(), a);
                ctx.actionSpans.put(name.value(), name.span());
              }
            }
          }
          case ACTION_GROUP -> {
            Declaration.ActionGroup g = (Declaration.ActionGroup) d;
            Declaration.ActionGroup first = ctx.groupDecls.putIfAbsent(g.name().value(), g);
            if (first != null) {
              duplicate(ctx, "action group", g.name().value(), g.name().span(), first.name().span());
            }
          }
          case INTENT -> {
            IntentDecl i = (IntentDecl) d;
            IntentDecl first = ctx.intents.putIfAbsent(i.name().value(), i);
            if (first != null) {
              duplicate(ctx, "intent", i.name().value(), i.name().span(), first.name().span());
            }
          }
          case RULE -> {
            RuleDecl r = (RuleDecl) d;
            String full = CheckContext.fullName(file, r);
            Span first = ruleNames.putIfAbsent(full, r.name().span());
            if (first != null) {
              duplicate(ctx, "rule", full, r.name().span(), first);
            } else {
              ctx.rules.add(new CheckedRule(full, r, file, order++));
            }
          }
        }
      }
    }
    // An action group may not share its name with an action: a rule naming it would be ambiguous.
    for (Declaration.ActionGroup g : ctx.groupDecls.values()) {
      Span action = ctx.actionSpans.get(g.name().value());
      if (action != null) {
        duplicate(ctx, "action group", g.name().value(), g.name().span(), action);
      }
    }
  }

  private static void duplicate(CheckContext ctx, String what, String name, Span span, Span first) {
    ctx.report(DiagnosticCode.NAME_DUPLICATE, span, what + " `" + name + "` is declared twice",
        "first declared at " + first.position());
  }
}
