package dev.writ.engine.eval;

import java.time.Instant;
import java.util.Optional;

/**
 * How to decide: the time to use when the request gives none, whether to explain, and for a
 * delegated grant the delegator's remaining time (docs/language.md §7, step 4).
 */
public record DecideOptions(Instant defaultTime, boolean explain, Optional<Long> delegatorRemainingSeconds) {
  public static DecideOptions at(Instant now) {
    return new DecideOptions(now, false, Optional.empty());
  }

  public DecideOptions explaining() {
    return new DecideOptions(defaultTime, true, delegatorRemainingSeconds);
  }

  public DecideOptions withDelegatorRemaining(long seconds) {
    return new DecideOptions(defaultTime, explain, Optional.of(seconds));
  }
}
