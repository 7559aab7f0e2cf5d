package dev.writ.language.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Durations with units spelt out, as other tools write them: refused, with a hint of what was meant. */
class DurationsTest {
  @Test
  void unitsSpeltOutAreRefusedNamingTheUnitAndTheUnits() {
    Durations.InvalidDuration e = assertThrows(Durations.InvalidDuration.class, () -> Durations.parse("15min"));
    assertEquals("invalid duration `15min`: unknown unit `min`; the units are d (days), h (hours), m (minutes) and "
        + "s (seconds), as in `1h30m`", e.getMessage());
  }

  @Test
  void theHintReadsKnownWordsAsTheirLetter() {
    assertEquals(Optional.of(900L), Durations.lenient("15min"));
    assertEquals(Optional.of(7_200L), Durations.lenient("2hours"));
    assertEquals(Optional.of(5_400L), Durations.lenient("1hr30mins"));
    assertEquals(Optional.of(5_400L), Durations.lenient("30m1h"), "out of order, as before");
  }

  @Test
  void noHintForAWordThatIsNoUnit() {
    assertEquals(Optional.empty(), Durations.lenient("0hs"));
    assertEquals(Optional.empty(), Durations.lenient("3weeks"));
    assertEquals(Optional.empty(), Durations.lenient("15"));
  }
}
