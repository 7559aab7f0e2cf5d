package dev.writ.language.check;
import dev.writ.language.vocab.Type;

import dev.writ.language.ast.IntentDecl;
import dev.writ.language.diag.DiagnosticCode;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Intent declarations: clauses, parameters, patterns and the scopes of `allow` clauses. */
final class CheckIntents implements CheckStage {
  @Override
  public String id() {
    return "check-intents";
  }

  @Override
  public void run(CheckContext ctx) {
    for (IntentDecl intent : ctx.intents.values()) {
      Map<Class<?>, IntentDecl.Clause> once = new HashMap<>();
      Map<String, IntentDecl.Param> params = new HashMap<>();
      for (IntentDecl.Clause c : intent.clauses()) {
        if (!(c instanceof IntentDecl.Param) && !(c instanceof IntentDecl.Allow)) {
          IntentDecl.Clause first = once.putIfAbsent(c.getClass(), c);
          if (first != null) {
            String keyword = c instanceof IntentDecl.Max ? "max" : c instanceof IntentDecl.OnDrift ? "on drift"
                : "description";
            ctx.report(DiagnosticCode.RULE_DUPLICATE_CLAUSE, c.span(), "`" + keyword + "` appears twice in intent `"
                + intent.name().value() + "`", "first at " + first.span().position()
                + "; only `param` and `allow` may repeat");
          }
        }
        if (c instanceof IntentDecl.Param p) {
          String name = p.name().value();
          if (name.equals("name")) {
            ctx.report(DiagnosticCode.NAME_RESERVED_PARAM, p.name().span(),
                "an intent parameter may not be called `name`", "`intent.name` is the intent's own name");
          } else if (params.putIfAbsent(name, p) != null) {
            ctx.report(DiagnosticCode.NAME_DUPLICATE, p.name().span(), "parameter `" + name + "` of intent `"
                + intent.name().value() + "` is declared twice",
                "first declared at " + params.get(name).name().span().position());
          }
          Type type = ResolveSchema.resolveType(ctx, p.type());
          if (p.type() instanceof dev.writ.language.ast.TypeExpr.RecordOf) {
            ctx.report(DiagnosticCode.TYPE_MISMATCH, p.type().span(), "an intent parameter cannot be a record",
                "declare one parameter per field");
          }
          p.pattern().ifPresent(pattern -> {
            if (!type.is(Type.Tag.STRING)) {
              ctx.report(DiagnosticCode.TYPE_MISMATCH, pattern.span(), "`matches` needs a String parameter, but `"
                  + name + "` is " + type);
            }
            compile(ctx, pattern.value(), pattern.span());
          });
        } else if (c instanceof IntentDecl.Max m && m.seconds() == 0) {
          ctx.report(DiagnosticCode.RULE_ZERO_DURATION, m.span(), "`max 0s` would make every grant expire at once",
              "give a positive duration such as `max 4h`");
        } else if (c instanceof IntentDecl.Allow a) {
          SortedSet<String> actions = Scopes.actions(ctx, a.actions());
          SortedSet<String> resources = a.on().isPresent() ? Scopes.resource(ctx, a.on().get())
              : Scopes.resourceTypesOf(ctx, actions, false);
          Scopes.actionsOnResources(ctx, a.actions(), resources);
          ctx.principalTypes.put(a, ctx.schema.typesOfKind(Scopes.PRINCIPAL_KINDS));
          ctx.resourceTypes.put(a, resources);
        }
      }
    }
  }

  static boolean compile(CheckContext ctx, String regex, dev.writ.language.source.Span span) {
    try {
      Pattern.compile(regex);
      return true;
    } catch (PatternSyntaxException e) {
      ctx.report(DiagnosticCode.REGEX_INVALID, span, "regular expression does not compile: "
          + e.getDescription().toLowerCase() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""),
          regex.startsWith("*") ? "in a regular expression any run of characters is `.*`; `like` takes glob "
              + "patterns such as `*-ops`" : "patterns use Java syntax and match the whole string");
      return false;
    }
  }
}
