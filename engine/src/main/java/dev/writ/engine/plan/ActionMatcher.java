package dev.writ.engine.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A rule's action items, groups already expanded: concrete names and wildcard prefixes. */
public final class ActionMatcher {
  final Set<String> names = new HashSet<>();
  final String[] prefixes;
  final boolean any;

  ActionMatcher(List<String> items) {
    List<String> pre = new ArrayList<>();
    boolean all = false;
    for (String item : items) {
      if (item.equals("*")) {
        all = true;
      } else if (item.endsWith("*")) {
        pre.add(item.substring(0, item.length() - 1));
      } else {
        names.add(item);
      }
    }
    this.any = all;
    this.prefixes = pre.toArray(String[]::new);
  }

  public boolean matches(String action) {
    if (any || names.contains(action)) {
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
