package dev.writ.engine.request;

import java.util.List;
import java.util.Optional;

/**
 * What a narrowing asks for: the actions a grant keeps (empty: all it holds) and the most time it
 * has left from now (empty: its expiry stays), at least one of the two; and why.
 */
public record Narrowing(Optional<List<String>> actions, Optional<Long> durationSeconds, Optional<String> reason) {
  public Narrowing {
    actions = actions.map(List::copyOf);
  }
}
