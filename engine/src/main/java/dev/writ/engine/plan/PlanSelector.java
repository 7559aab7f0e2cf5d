package dev.writ.engine.plan;

/**
 * One alternative of a selector: any entity ({@code any}), a kind ({@code human}, ...), a type,
 * or an entity, optionally restricted to members of {@code in}.
 *
 * @param value     null for {@link Target#ANY}; the kind's keyword, the type's name or the entity's uid
 * @param delegated {@code delegated}: matches only a principal acting under a delegation (depth 1 or more)
 */
public record PlanSelector(Target target, String value, String in, boolean delegated) {
  public enum Target { ANY, KIND, TYPE, ENTITY }

  public PlanSelector {
    if ((target == Target.ANY) != (value == null)) {
      throw new IllegalArgumentException("a selector has a value unless it is `any`: " + target + " " + value);
    }
  }

  public PlanSelector(Target target, String value, String in) {
    this(target, value, in, false);
  }
}
