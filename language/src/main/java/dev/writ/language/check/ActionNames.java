package dev.writ.language.check;

import java.util.Map;
import java.util.Set;

/** How a rule's action item (name, group or wildcard) matches a request's concrete action. */
public final class ActionNames {
  private ActionNames() {}

  public static boolean isWildcard(String action) {
    return action.endsWith("*");
  }

  /** Null when the name is well formed, else what is wrong with it. */
  public static String problem(String action, boolean wildcardAllowed) {
    if (action.isEmpty()) {
      return "empty action name";
    }
    int star = action.indexOf('*');
    if (star >= 0 && star != action.length() - 1) {
      return "`*` may only end an action name (`\"db:*\"`), not appear inside `" + action + "`";
    }
    if (star >= 0 && !wildcardAllowed) {
      return "wildcard `" + action + "` is not allowed here; name concrete actions";
    }
    return null;
  }

  /**
   * Whether {@code item} (as written in a rule) covers the concrete action {@code action}:
   * equality, membership of a group (already expanded transitively), or wildcard prefix.
   */
  public static boolean covers(String item, String action, Map<String, ? extends Set<String>> expandedGroups) {
    if (item.equals(action)) {
      return true;
    }
    if (isWildcard(item)) {
      return action.startsWith(item.substring(0, item.length() - 1));
    }
    Set<String> members = expandedGroups.get(item);
    return members != null && members.contains(action);
  }
}
