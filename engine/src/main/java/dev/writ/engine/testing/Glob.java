package dev.writ.engine.testing;

import java.util.regex.Pattern;

/** {@code --filter} and {@code -Dpolicy.test} patterns: {@code *} any run, {@code ?} one character, case-insensitive. */
public final class Glob {
  private final Pattern pattern;

  public Glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    this.pattern = Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  }

  public boolean matches(String s) {
    return s != null && pattern.matcher(s).matches();
  }
}
