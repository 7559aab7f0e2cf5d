package dev.writ.engine.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The store's open-addressing table finds exactly what a hash map keyed by uid finds: ids held
 * whole (up to 16 Latin-1 characters) and ids compared in full (longer, or wider characters), uids
 * that differ only in type or in one late character, and types the store has never seen.
 */
class ResolvedTableProperties {
  private static final String[] TYPES = {"User", "Doc", "Group", "Agent"};
  private static final String[] PIECES = {"a", "b", "u1", "-", "0123456789", "é", "Ω", "\"", " ", "x"};

  /** A uid from a type index (the last one unknown to every store) and a list of id pieces. */
  private static EntityUid uid(int type, List<Integer> pieces) {
    StringBuilder id = new StringBuilder();
    pieces.forEach(p -> id.append(PIECES[p]));
    return new EntityUid(type == TYPES.length ? "Unknown" : TYPES[type], id.toString());
  }

  private static Gen<EntityUid> uids() {
    return integers().between(0, TYPES.length).zip(lists().of(integers().between(0, PIECES.length - 1))
        .ofSizeBetween(0, 5), ResolvedTableProperties::uid);
  }

  @Test
  void aProbeFindsWhatAHashMapFinds() {
    qt().forAll(lists().of(uids()).ofSizeBetween(0, 200), lists().of(uids()).ofSizeBetween(0, 60))
        .checkAssert((stored, probes) -> {
          Map<EntityUid, EntityStore.Resolved> reference = new LinkedHashMap<>();
          for (EntityUid u : stored) {
            reference.put(new EntityUid(u.type(), u.id()), new EntityStore.Resolved(u, null, Set.of(u)));
          }
          ResolvedTable table = new ResolvedTable(reference.values());
          List<EntityUid> all = new ArrayList<>(probes);
          all.addAll(stored);
          for (EntityUid u : all) {
            // A fresh instance: the probe must compare contents, as for a parsed request.
            EntityUid fresh = new EntityUid(u.type(), u.id());
            EntityStore.Resolved expected = reference.get(fresh);
            if (expected == null) {
              assertNull(table.get(fresh), fresh.toString());
            } else {
              assertSame(expected, table.get(fresh), fresh.toString());
            }
          }
        });
  }

  @Test
  void idsThatDifferLateOrOnlyInTypeAreApart() {
    List<EntityStore.Resolved> entries = new ArrayList<>();
    List<EntityUid> uids = new ArrayList<>();
    for (String type : TYPES) {
      for (String id : List.of("abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq", "abcdefghijklmnopr",
          "abcdefgh", "abcdefg", "", "ab\u0100", "ab\u0101")) {
        EntityUid u = new EntityUid(type, id);
        uids.add(u);
        entries.add(new EntityStore.Resolved(u, null, Set.of(u)));
      }
    }
    ResolvedTable table = new ResolvedTable(entries);
    for (int i = 0; i < uids.size(); i++) {
      EntityUid u = uids.get(i);
      assertSame(entries.get(i), table.get(new EntityUid(u.type(), u.id())), u.toString());
    }
    assertNull(table.get(new EntityUid("User", "abcdefghijklmno")));
    assertNull(table.get(new EntityUid("Other", "abcdefgh")));
    assertEquals(uids.size(), entries.size());
  }
}
