package dev.writ.engine.eval;

import dev.writ.engine.plan.PlanIntent;

import dev.writ.language.vocab.Type;
import java.util.List;
import java.util.regex.Pattern;

/** An intent ready to check requests and action facts against its envelope. */
public final class CompiledIntent {
  public final PlanIntent data;
  final List<Param> params;
  final Allow[] allows;

  /** A declared parameter with its type parsed and its pattern compiled once. */
  public record Param(String name, boolean optional, Type type, Pattern pattern) {}

  public List<Param> params() {
    return params;
  }

  record Allow(ActionMatcher actions, SelectorMatcher on, ExprNode when) {}

  CompiledIntent(PlanIntent intent, ExprCompiler compiler) {
    this.data = intent;
    this.params = intent.params().stream()
        .map(p -> new Param(p.name(), p.optional(), Type.parse(p.type()), p.pattern() == null ? null : Pattern.compile(p.pattern())))
        .toList();
    this.allows = intent.allows().stream()
        .map(a -> new Allow(new ActionMatcher(a.actions()), a.on() == null ? null : new SelectorMatcher(a.on(), compiler),
            a.when() == null ? null : compiler.compile(a.when())))
        .toArray(Allow[]::new);
  }

  public String name() {
    return data.name();
  }

  public boolean revokeOnDrift() {
    return data.revokeOnDrift();
  }

  /**
   * Whether the state's (action, resource) is inside the envelope. An error in a {@code when}
   * counts as outside (fail closed).
   */
  public boolean covers(EvalState s) {
    for (Allow a : allows) {
      if (!a.actions.matches(s.action.value())) {
        continue;
      }
      if (a.on != null && !a.on.matches(s.resourceUid, s.resource, s.resourceNumbers, true)) {
        continue;
      }
      if (a.when == null) {
        return true;
      }
      try {
        if (a.when.test(s)) {
          return true;
        }
      } catch (EvalError e) {
        // outside: an envelope that cannot be evaluated grants nothing
      }
    }
    return false;
  }
}
