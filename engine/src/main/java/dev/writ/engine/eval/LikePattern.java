package dev.writ.engine.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code like} pattern: {@code *} matches any run of characters; in the stored glob form
 * {@code \*} is a literal star and {@code \\} a literal backslash. Matches the whole string.
 */
public final class LikePattern {
  private final List<String> segments; // literal parts between stars
  private final boolean leadingStar;
  private final boolean trailingStar;

  public LikePattern(String glob) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean lead = false;
    boolean trail = false;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length() && (glob.charAt(i + 1) == '*' || glob.charAt(i + 1) == '\\')) {
        cur.append(glob.charAt(++i));
      } else if (c == '*') {
        if (parts.isEmpty() && cur.length() == 0) {
          lead = true;
        }
        parts.add(cur.toString());
        cur.setLength(0);
        trail = i == glob.length() - 1;
      } else {
        cur.append(c);
        trail = false;
      }
    }
    parts.add(cur.toString());
    this.segments = parts;
    this.leadingStar = lead;
    this.trailingStar = trail;
  }

  public boolean matches(String s) {
    if (segments.size() == 1) {
      return s.equals(segments.get(0));
    }
    String first = segments.get(0);
    String last = segments.get(segments.size() - 1);
    if (!s.startsWith(first) || s.length() < first.length() + last.length() || !s.endsWith(last)) {
      return false;
    }
    int pos = first.length();
    int end = s.length() - last.length();
    for (int i = 1; i < segments.size() - 1; i++) {
      String seg = segments.get(i);
      int found = s.indexOf(seg, pos);
      if (found < 0 || found + seg.length() > end) {
        return false;
      }
      pos = found + seg.length();
    }
    return true;
  }

  @Override
  public String toString() {
    return "LikePattern" + segments + (leadingStar ? "*" : "") + (trailingStar ? "*" : "");
  }
}
