package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.entity.UidTable;
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
  void intMapAnswersAsAHashMap() {
    qt().forAll(lists().of(integers().between(0, 5000)).ofSizeBetween(0, 300),
        lists().of(integers().between(0, 5000)).ofSizeBetween(0, 100)).checkAssert((keys, probes) -> {
          IntMap<String> map = new IntMap<>(1);
          Map<Integer, String> reference = new HashMap<>();
          for (int k : keys) {
            String v = map.computeIfAbsent(k, () -> "v" + k);
            assertSame(reference.computeIfAbsent(k, x -> v), v);
          }
          assertEquals(reference.size(), map.size());
          for (int k : probes) {
            assertEquals(reference.get(k), map.get(k));
          }
          Map<Integer, String> listed = new HashMap<>();
          for (int i = 0; i < map.capacity(); i++) {
            if (map.keyAt(i) >= 0) {
              listed.put(map.keyAt(i), map.valueAt(i));
            }
          }
          assertEquals(reference, listed);
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

  private static EntityUid uid(int i) {
    return new EntityUid("T", "e" + i);
  }
}
