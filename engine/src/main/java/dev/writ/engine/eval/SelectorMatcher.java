package dev.writ.engine.eval;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.EntityKind;
import java.util.List;
import java.util.Set;

/** A compiled selector: matches an entity by kind, type or uid, optionally inside another entity. */
public final class SelectorMatcher {
  /**
   * One alternative; only the fields of its target are set. {@code uidNumber} and
   * {@code inNumber} are the plan's numbers of {@code uid} and {@code in} (-1: none);
   * {@code delegated}: it admits only an entity acting under a delegation.
   */
  record Alt(PlanSelector.Target target, EntityKind kind, String type, EntityUid uid, EntityUid in, int uidNumber,
             int inNumber, boolean delegated) {}

  final Alt[] alts;
  /**
   * The alternatives for the decision path, {@link #WIDTH} ints each: the target, the
   * {@code delegated} flag and the kind in the first ({@link #head}), then the entity's and the
   * {@code in} entity's numbers. One array a matcher: reading an {@link Alt} costs the array, the
   * record and its enum, each a cache miss in a large plan.
   */
  final int[] codes;
  /** Per alternative, the type of a {@code TYPE} target (interned: usually compared by identity); else null. */
  final String[] types;

  static final int WIDTH = 3;
  private static final int ANY = 0;
  private static final int KIND = 1;
  private static final int TYPE = 2;
  private static final int ENTITY = 3;
  private static final int DELEGATED = 4;
  private static final EntityKind[] KINDS = EntityKind.values();

  SelectorMatcher(List<PlanSelector> selectors, ExprCompiler uids) {
    alts = new Alt[selectors.size()];
    for (int i = 0; i < alts.length; i++) {
      PlanSelector s = selectors.get(i);
      EntityUid in = s.in() == null ? null : uids.uid(s.in());
      int inNumber = in == null ? -1 : uids.number(in);
      alts[i] = switch (s.target()) {
        case ANY -> new Alt(s.target(), null, null, null, in, -1, inNumber, s.delegated());
        case KIND -> new Alt(s.target(), EntityKind.fromKeyword(s.value()), null, null, in, -1, inNumber, s.delegated());
        case TYPE -> new Alt(s.target(), null, s.value(), null, in, -1, inNumber, s.delegated());
        case ENTITY -> {
          EntityUid uid = uids.uid(s.value());
          yield new Alt(s.target(), null, null, uid, in, uids.number(uid), inNumber, s.delegated());
        }
      };
    }
    codes = new int[alts.length * WIDTH];
    types = new String[alts.length];
    for (int i = 0; i < alts.length; i++) {
      Alt a = alts[i];
      codes[i * WIDTH] = head(a);
      codes[i * WIDTH + 1] = a.uidNumber;
      codes[i * WIDTH + 2] = a.inNumber;
      types[i] = a.type == null ? null : a.type.intern();
    }
  }

  private static int head(Alt a) {
    int target = switch (a.target) {
      case ANY -> ANY;
      case KIND -> KIND;
      case TYPE -> TYPE;
      case ENTITY -> ENTITY;
    };
    return target | (a.delegated ? DELEGATED : 0) | (a.kind == null ? 0 : (a.kind.ordinal() + 1) << 3);
  }

  /**
   * Whether an entity acting under a delegation would match (tools, which do not decide a
   * particular request; a {@code delegated} alternative counts).
   *
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
      if ((!a.delegated || delegated) && matches(a, uid, entity, ancestors)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The positions of the alternatives that match, in selector order (tools: which alternative
   * admits an entity; whether it is {@code delegated} is the plan data's to say).
   */
  public List<Integer> matching(EntityUid uid, Entity entity, Set<EntityUid> ancestors) {
    List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < alts.length; i++) {
      if (matches(alts[i], uid, entity, ancestors)) {
        out.add(i);
      }
    }
    return out;
  }

  private static boolean matches(Alt a, EntityUid uid, Entity entity, Set<EntityUid> ancestors) {
    boolean target = switch (a.target) {
      case ANY -> true;
      case KIND -> entity != null && entity.kind() == a.kind;
      case TYPE -> uid.type().equals(a.type);
      case ENTITY -> uid.equals(a.uid);
    };
    return target && (a.in == null || ancestors.contains(a.in));
  }

  /**
   * As {@link #matches(EntityUid, Entity, Set, boolean)}, with the entity and its ancestors in the
   * numbers of the plan that compiled this matcher: int comparisons, no hashing.
   */
  public boolean matches(EntityUid uid, Entity entity, UidTable.Numbers numbers, boolean delegated) {
    return matches(codes, types, uid, entity, numbers, delegated);
  }

  /** {@link #matches(EntityUid, Entity, UidTable.Numbers, boolean)} over a matcher's {@link #codes} and {@link #types}. */
  static boolean matches(int[] codes, String[] types, EntityUid uid, Entity entity, UidTable.Numbers numbers,
                         boolean delegated) {
    for (int at = 0, i = 0; at < codes.length; at += WIDTH, i++) {
      int head = codes[at];
      if ((head & DELEGATED) != 0 && !delegated) {
        continue;
      }
      boolean target;
      switch (head & 3) {
        case ANY:
          target = true;
          break;
        case KIND:
          target = entity != null && entity.kind() == KINDS[(head >>> 3) - 1];
          break;
        case TYPE:
          target = uid.type().equals(types[i]);
          break;
        default:
          target = numbers.self == codes[at + 1];
          break;
      }
      int in = codes[at + 2];
      if (target && (in < 0 || numbers.within(in))) {
        return true;
      }
    }
    return false;
  }
}
