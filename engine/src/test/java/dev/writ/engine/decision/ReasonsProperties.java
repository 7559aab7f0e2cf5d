package dev.writ.engine.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Reasons rendered when read are, to every reader, the list of their sentences: same elements,
 * order, equality both ways, hash code and text as {@code List.of} of the sentences; each pending
 * reason is rendered at most once, and none before it is read.
 */
class ReasonsProperties {
  /** A reason: its sentence, and whether it is given as a pending one. */
  record Item(String text, boolean pending) {}

  private static Gen<Item> items() {
    return strings().basicLatinAlphabet().ofLengthBetween(0, 12)
        .zip(integers().between(0, 3), (t, n) -> t + "`x`".repeat(n))
        .zip(booleans().all(), Item::new);
  }

  @Test
  void readAsTheirSentences() {
    qt().forAll(lists().of(items()).ofSizeBetween(0, 8)).checkAssert(given -> {
      AtomicInteger renders = new AtomicInteger();
      List<Object> raw = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      int pendingCount = 0;
      for (Item i : given) {
        expected.add(i.text());
        if (i.pending()) {
          pendingCount++;
          String t = i.text();
          raw.add((Reasons.Pending) () -> {
            renders.incrementAndGet();
            return new String(t); // a fresh instance each time: equality must not hang on identity
          });
        } else {
          raw.add(i.text());
        }
      }
      List<String> reasons = Reasons.of(raw);
      raw.clear(); // the reasons hold their own copy
      assertEquals(0, renders.get(), "nothing rendered before it is read");
      List<String> reference = List.copyOf(expected);
      assertEquals(reference.size(), reasons.size());
      assertEquals(reference, reasons);
      assertEquals(reasons, reference);
      assertEquals(reference.hashCode(), reasons.hashCode());
      assertEquals(reference.toString(), reasons.toString());
      assertEquals(reference, new ArrayList<>(reasons));
      for (int i = 0; i < reference.size(); i++) {
        assertEquals(reference.get(i), reasons.get(i));
        assertEquals(reference.indexOf(reference.get(i)), reasons.indexOf(reference.get(i)));
      }
      assertEquals(pendingCount, renders.get(), "each pending reason rendered once");
      assertThrows(UnsupportedOperationException.class, () -> reasons.add("more"));
      // A decision keeps them as they are, and compares equal to one given the sentences.
      Decision lazy = Decision.deny(Map.of("read", Outcome.DENY), reasons);
      Decision eager = Decision.deny(Map.of("read", Outcome.DENY), expected);
      assertSame(reasons.isEmpty() ? List.of() : reasons, lazy.reasons());
      assertEquals(eager, lazy);
      assertEquals(eager.hashCode(), lazy.hashCode());
      assertEquals(eager.toString(), lazy.toString());
      assertEquals(Optional.empty(), lazy.explanation());
    });
  }

  @Test
  void refusesWhatIsNotAReason() {
    assertThrows(IllegalArgumentException.class, () -> Reasons.of(List.of("fine", 42)));
  }
}
