package dev.writ.language.ast;

import dev.writ.language.source.Span;
import java.util.List;
import java.util.Optional;

/** A comma-separated list of alternatives; matches when any alternative does. */
public record Selector(List<Alt> alternatives, Span span) {
  public Selector {
    alternatives = List.copyOf(alternatives);
  }

  /** What an alternative names before its optional {@code in ENTITY}. */
  public sealed interface Target permits KindTarget, TypeTarget, EntityTarget {}

  public record KindTarget(KindName kind, Span span) implements Target {}

  public record TypeTarget(Name type) implements Target {}

  public record EntityTarget(EntityLiteral entity) implements Target {}

  /**
   * @param delegated {@code delegated X}: admits an {@code X} only when it acts under a delegation
   *                  (depth 1 or more), never on its own account
   */
  public record Alt(boolean delegated, Target target, Optional<EntityLiteral> in, Span span) {
    public Alt(Target target, Optional<EntityLiteral> in, Span span) {
      this(false, target, in, span);
    }
  }
}
