package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The trail's instants read exactly as {@link Instant#toString()} writes them, for any second and fraction. */
class InstantTextProperties {
  static Gen<Integer> nanos() {
    return integers().between(0, 999_999_999)
        .mix(integers().between(0, 999).map(n -> n * 1_000_000))
        .mix(integers().between(0, 999_999).map(n -> n * 1000))
        .mix(Generate.pick(java.util.List.of(0, 1, 10, 100_000, 1_000_000, 999_999_999, 123_000_000, 120_000)));
  }

  @Test
  void asToStringWritesThem() {
    Gen<Long> seconds = longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond())
        .mix(longs().between(-100_000_000_000L, 300_000_000_000L))
        .mix(longs().between(1_700_000_000L, 1_700_000_010L)); // repeats: the kept second is reused
    qt().withExamples(20_000).forAll(seconds, nanos()).checkAssert((s, n) -> {
      Instant t = Instant.ofEpochSecond(s, n);
      assertEquals(t.toString(), InstantText.of(t));
    });
  }
}
