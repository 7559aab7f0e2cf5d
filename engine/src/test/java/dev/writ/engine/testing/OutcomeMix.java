package dev.writ.engine.testing;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import java.util.Map;
import java.util.TreeMap;

/** Counts of outcomes over many decisions, to see that generated cases reach every outcome. */
public final class OutcomeMix {
  private final Map<String, Integer> counts = new TreeMap<>();
  public int withErrors;
  public int withForbids;
  public int bad;

  public void add(Decision d) {
    counts.merge(d.decision().json(), 1, Integer::sum);
    if (d.standing()) {
      counts.merge("standing", 1, Integer::sum);
    }
    if (!d.errors().isEmpty()) {
      withErrors++;
    }
    if (!d.forbids().isEmpty()) {
      withForbids++;
    }
  }

  public int count(Outcome o) {
    return counts.getOrDefault(o.json(), 0);
  }

  public int total() {
    return count(Outcome.PERMIT) + count(Outcome.PENDING) + count(Outcome.DENY) + bad;
  }

  @Override
  public String toString() {
    int t = Math.max(1, total());
    return String.format("permit %d%%, pending %d%%, deny %d%% (forbidden %d%%), bad request %d%%; "
            + "with errors %d%%, standing %d%% (of %d)", 100 * count(Outcome.PERMIT) / t,
        100 * count(Outcome.PENDING) / t, 100 * count(Outcome.DENY) / t, 100 * withForbids / t, 100 * bad / t,
        100 * withErrors / t, 100 * counts.getOrDefault("standing", 0) / t, t);
  }
}
