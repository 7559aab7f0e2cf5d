package dev.writ.engine.testing;

/** Small shared helpers of the generators. */
final class Gens {
  private Gens() {}

  /** A string literal of the policy language. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  static String entity(String type, String id) {
    return type + "::" + quote(id);
  }

  static String duration(long seconds) {
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long[] units = {86_400, 3_600, 60, 1};
    String names = "dhms";
    long rest = seconds;
    for (int i = 0; i < 4; i++) {
      if (rest >= units[i]) {
        out.append(rest / units[i]).append(names.charAt(i));
        rest %= units[i];
      }
    }
    return out.toString();
  }
}
