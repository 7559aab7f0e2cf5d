package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.language.vocab.EntityKind;
import java.util.ArrayList;
import java.util.List;
import dev.writ.engine.value.EntityUid;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dense structures of the decision path agree with the hash maps and sets they replace. */
class IntMapProperties {
  @Test
  void longIntMapAnswersAsAHashMap() {
    // Keys as the rule index packs them: a small high half (level or node) and a key below.
    qt().forAll(lists().of(longs().between(0, 40)).ofSizeBetween(0, 300),
        lists().of(longs().between(0, 40)).ofSizeBetween(0, 100), integers().between(0, 1 << 20))
        .checkAssert((highs, probes, salt) -> {
          LongIntMap map = new LongIntMap(1);
          Map<Long, Integer> reference = new HashMap<>();
          for (int i = 0; i < highs.size(); i++) {
            long k = highs.get(i) << 32 | ((highs.get(i) * 7 + i + salt) % 97);
            int v = map.putIfAbsent(k, i);
            assertEquals(reference.computeIfAbsent(k, x -> v), v);
          }
          assertEquals(reference.size(), map.size());
          for (long p : probes) {
            for (long low = 0; low < 97; low += 13) {
              long k = p << 32 | low;
              assertEquals(reference.getOrDefault(k, LongIntMap.MISSING), map.get(k));
            }
          }
          reference.forEach((k, v) -> assertEquals(v, map.get(k)));
        });
  }

  @Test
  void numbersAnswerMembershipAsTheUidSet() {
    qt().forAll(lists().of(integers().between(0, 60)).ofSizeBetween(0, 40),
        lists().of(integers().between(0, 60)).ofSizeBetween(1, 30)).checkAssert((named, ancestors) -> {
          UidTable.Builder b = new UidTable.Builder();
          named.forEach(i -> b.add(uid(i)));
          UidTable table = b.build();
          Set<EntityUid> set = new LinkedHashSet<>();
          ancestors.forEach(i -> set.add(uid(i)));
          EntityUid self = uid(ancestors.get(0));
          UidTable.Numbers n = table.numbers(self, set);
          assertEquals(table.number(self), n.self);
          Set<Integer> namedSet = new HashSet<>(named);
          for (int i = 0; i <= 60; i++) {
            boolean expected = namedSet.contains(i) && set.contains(uid(i));
            assertEquals(expected, table.number(uid(i)) >= 0 && n.within(table.number(uid(i))), "entity " + i);
          }
        });
  }

  private static final String[] TYPES = {"User", "Doc", "Agent"};

  /** A uid from 0..11: three types, four ids each. */
  private static EntityUid small(int i) {
    return new EntityUid(TYPES[i % 3], "e" + i / 3);
  }

  /** An alternative from five ints: target, value, in (or none), delegated. */
  private static PlanSelector selector(int target, int value, int in, boolean delegated) {
    PlanSelector.Target t = PlanSelector.Target.values()[target];
    String v = switch (t) {
      case ANY -> null;
      case KIND -> EntityKind.values()[value % EntityKind.values().length].keyword();
      case TYPE -> new String(TYPES[value % 3].toCharArray()); // not interned, as a parsed plan's is not
      case ENTITY -> small(value).toString();
    };
    return new PlanSelector(t, v, in < 0 ? null : small(in).toString(), delegated);
  }

  @Test
  void denseSelectorsMatchAsTheAlternatives() {
    qt().forAll(lists().of(integers().between(0, 3 * 12 * 13 * 2 - 1)).ofSizeBetween(1, 4),
        integers().between(0, 11), lists().of(integers().between(0, 11)).ofSizeBetween(0, 5),
        integers().between(0, EntityKind.values().length * 2 + 3)).checkAssert((alts, self, parents, kindAndFlag) -> {
          List<PlanSelector> selectors = new ArrayList<>();
          for (int code : alts) {
            selectors.add(selector(code % 4, (code / 4) % 12, (code / 48) % 13 - 1, (code / 624) % 2 == 1));
          }
          ExprCompiler compiler = new ExprCompiler(new AttributeTable(List.of()));
          SelectorMatcher m = new SelectorMatcher(selectors, compiler);
          UidTable table = compiler.uidTable();
          EntityUid uid = small(self);
          Set<EntityUid> ancestors = new LinkedHashSet<>();
          ancestors.add(uid);
          parents.forEach(p -> ancestors.add(small(p)));
          int k = kindAndFlag / 2;
          // Past the kinds: no entity data, then an entity of unknown kind.
          Entity entity = k == EntityKind.values().length ? null
              : new Entity(uid, k > EntityKind.values().length ? null : EntityKind.values()[k], Map.of(), Set.of());
          UidTable.Numbers numbers = table.numbers(uid, ancestors);
          boolean delegated = kindAndFlag % 2 == 1;
          assertEquals(m.matches(uid, entity, ancestors, delegated), m.matches(uid, entity, numbers, delegated),
              selectors + " on " + uid + " in " + ancestors);
        });
  }

  private static EntityUid uid(int i) {
    return new EntityUid("T", "e" + i);
  }
}
