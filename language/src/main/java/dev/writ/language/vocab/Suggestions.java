package dev.writ.language.vocab;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" hints: the closest known name by edit distance, if it is close enough. */
public final class Suggestions {
  private Suggestions() {}

  public static Optional<String> closest(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    // Allow about one edit per three characters, and at least one.
    int limit = Math.max(1, name.length() / 3);
    for (String c : candidates) {
      if (c.equals(name)) {
        continue;
      }
      int d = distance(name.toLowerCase(), c.toLowerCase(), limit);
      if (d <= limit && (d < bestDistance || (d == bestDistance && c.compareTo(best) < 0))) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  public static Optional<String> hint(String name, Collection<String> candidates) {
    return closest(name, candidates).map(s -> "did you mean `" + s + "`?");
  }

  /** Levenshtein distance, giving up (returning limit + 1) once it must exceed the limit. */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
