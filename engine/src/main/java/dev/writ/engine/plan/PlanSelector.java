package dev.writ.engine.plan;

/**
 * One alternative of a selector: a kind ({@code human}, ..., {@code any}), a type, or an
 * entity, optionally restricted to members of {@code in}.
 */
public record PlanSelector(Target target, String value, String in) {
  public enum Target { KIND, TYPE, ENTITY }
}
