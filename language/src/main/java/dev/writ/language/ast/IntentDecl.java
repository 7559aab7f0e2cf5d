package dev.writ.language.ast;

import dev.writ.language.source.Span;
import java.util.List;
import java.util.Optional;

/** {@code intent investigate_incident { ... }}: a task and its envelope. */
public record IntentDecl(Name name, List<Clause> clauses, Span span) implements Declaration {
  public IntentDecl {
    clauses = List.copyOf(clauses);
  }

  @Override
  public Kind kind() {
    return Kind.INTENT;
  }

  public enum DriftMode { DENY, REVOKE }

  public sealed interface Clause permits Description, Param, Allow, Max, OnDrift {
    Span span();
  }

  public record Description(Str text, Span span) implements Clause {}

  public record Param(Name name, boolean optional, TypeExpr type, Optional<Str> pattern, Span span) implements Clause {}

  public record Allow(List<Str> actions, Optional<Selector> on, Optional<Expr> when, Span span) implements Clause {
    public Allow {
      actions = List.copyOf(actions);
    }
  }

  public record Max(long seconds, Span span) implements Clause {}

  public record OnDrift(DriftMode mode, Span span) implements Clause {}

  public List<Param> params() {
    return clauses.stream().filter(Param.class::isInstance).map(Param.class::cast).toList();
  }

  public List<Allow> allows() {
    return clauses.stream().filter(Allow.class::isInstance).map(Allow.class::cast).toList();
  }

  public Optional<Long> maxSeconds() {
    return clauses.stream().filter(Max.class::isInstance).map(c -> ((Max) c).seconds()).findFirst();
  }

  public DriftMode driftMode() {
    return clauses.stream().filter(OnDrift.class::isInstance).map(c -> ((OnDrift) c).mode())
        .findFirst().orElse(DriftMode.DENY);
  }

  public Optional<String> description() {
    return clauses.stream().filter(Description.class::isInstance).map(c -> ((Description) c).text().value())
        .findFirst();
  }
}
