package dev.writ.engine.grant;

import java.util.List;

/**
 * The answer to a narrowing: the grant as it is now, the descendants narrowed with it (reason
 * {@code cascade}), and those revoked because they kept no action of their sponsor's.
 */
public record NarrowingResult(Grant grant, List<String> narrowed, List<String> revoked) {
  public NarrowingResult {
    narrowed = List.copyOf(narrowed);
    revoked = List.copyOf(revoked);
  }
}
