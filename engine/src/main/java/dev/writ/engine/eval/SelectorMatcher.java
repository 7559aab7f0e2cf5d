package dev.writ.engine.eval;

import dev.writ.engine.plan.PlanSelector;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.EntityKind;
import java.util.List;
import java.util.Set;

/** A compiled selector: matches an entity by kind, type or uid, optionally inside another entity. */
public final class SelectorMatcher {
  /** One alternative; only the fields of its target are set. */
  record Alt(PlanSelector.Target target, EntityKind kind, String type, EntityUid uid, EntityUid in, boolean delegated) {}

  final Alt[] alts;

  SelectorMatcher(List<PlanSelector> selectors, ExprCompiler uids) {
    alts = new Alt[selectors.size()];
    for (int i = 0; i < alts.length; i++) {
      PlanSelector s = selectors.get(i);
      EntityUid in = s.in() == null ? null : uids.uid(s.in());
      alts[i] = switch (s.target()) {
        case ANY -> new Alt(s.target(), null, null, null, in, s.delegated());
        case KIND -> new Alt(s.target(), EntityKind.fromKeyword(s.value()), null, null, in, s.delegated());
        case TYPE -> new Alt(s.target(), null, s.value(), null, in, s.delegated());
        case ENTITY -> new Alt(s.target(), null, null, uids.uid(s.value()), in, s.delegated());
      };
    }
  }

  /**
   * @param entity    the entity's data, or null when the store does not have it (kind then unknown)
   * @param ancestors the uid and everything it is a member of
   */
  public boolean matches(EntityUid uid, Entity entity, Set<EntityUid> ancestors) {
    return matches(uid, entity, ancestors, true);
  }

  /**
   * @param delegated whether the entity acts under a delegation (depth 1 or more); a
   *                  {@code delegated} alternative matches only then
   */
  public boolean matches(EntityUid uid, Entity entity, Set<EntityUid> ancestors, boolean delegated) {
    for (Alt a : alts) {
      if (a.delegated && !delegated) {
        continue;
      }
      boolean target = switch (a.target) {
        case ANY -> true;
        case KIND -> entity != null && entity.kind() == a.kind;
        case TYPE -> uid.type().equals(a.type);
        case ENTITY -> uid.equals(a.uid);
      };
      if (target && (a.in == null || ancestors.contains(a.in))) {
        return true;
      }
    }
    return false;
  }
}
