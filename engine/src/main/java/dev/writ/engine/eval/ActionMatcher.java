package dev.writ.engine.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A rule's action items, groups already expanded: concrete names and wildcard prefixes. */
public final class ActionMatcher {
  // A rule names few actions: a short array scanned linearly beats a hash set, in time and memory.
  private static final int SMALL = 8;
  final Set<String> names;
  final String[] few;
  final String[] prefixes;
  final boolean any;

  ActionMatcher(List<String> items) {
    List<String> pre = new ArrayList<>();
    List<String> exact = new ArrayList<>();
    boolean all = false;
    for (String item : items) {
      if (item.equals("*")) {
        all = true;
      } else if (item.endsWith("*")) {
        pre.add(item.substring(0, item.length() - 1));
      } else if (!exact.contains(item)) {
        exact.add(item);
      }
    }
    this.any = all;
    this.prefixes = pre.toArray(String[]::new);
    this.few = exact.size() <= SMALL ? exact.toArray(String[]::new) : null;
    this.names = exact.size() <= SMALL ? null : new HashSet<>(exact);
  }

  public boolean matches(String action) {
    if (any) {
      return true;
    }
    if (few != null) {
      for (String n : few) {
        if (n.equals(action)) {
          return true;
        }
      }
    } else if (names.contains(action)) {
      return true;
    }
    for (String p : prefixes) {
      if (action.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
