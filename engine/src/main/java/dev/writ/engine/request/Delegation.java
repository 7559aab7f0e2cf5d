package dev.writ.engine.request;

import dev.writ.engine.value.EntityUid;
import java.util.List;
import java.util.Optional;

/**
 * What a delegation asks for: the delegate, the actions to pass on (empty: all of the parent's)
 * and a requested duration (empty: as long as the policy and the parent allow).
 */
public record Delegation(EntityUid to, Optional<List<String>> actions, Optional<Long> durationSeconds) {
  public Delegation {
    actions = actions.map(List::copyOf);
  }
}
