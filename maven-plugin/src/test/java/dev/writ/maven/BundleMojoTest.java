package dev.writ.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;

class BundleMojoTest {
  @Test
  void outputTimestampAsMavenWritesIt() throws Exception {
    assertEquals(Optional.of(Instant.parse("2026-06-15T10:00:00Z")), BundleMojo.reproducibleTime("2026-06-15T10:00:00Z"));
    assertEquals(Optional.of(Instant.parse("2026-06-15T08:00:00Z")),
        BundleMojo.reproducibleTime("2026-06-15T10:00:00+02:00"));
    assertEquals(Optional.of(Instant.ofEpochSecond(1781517600L)), BundleMojo.reproducibleTime("1781517600"));
  }

  @Test
  void noTimestampOrOneCharacterMeansNow() throws Exception {
    assertEquals(Optional.empty(), BundleMojo.reproducibleTime(null));
    assertEquals(Optional.empty(), BundleMojo.reproducibleTime(""));
    assertEquals(Optional.empty(), BundleMojo.reproducibleTime("a"));
  }

  @Test
  void aMalformedTimestampIsAConfigurationError() {
    MojoExecutionException e = assertThrows(MojoExecutionException.class, () -> BundleMojo.reproducibleTime("yesterday"));
    assertTrue(e.getMessage().contains("`yesterday`"), e.getMessage());
  }
}
