package dev.writ.engine.testing;

import java.util.regex.Pattern;

/**
 * Which cases {@code --filter} and {@code -Dpolicy.test} select: {@code *} any run, {@code ?} one
 * character, case-insensitive. Not the policy language's {@code like} pattern
 * ({@code engine.eval.LikePattern}: only {@code *}, with escapes, case-sensitive, as in Cedar).
 */
public final class NameFilter {
  private final Pattern pattern;

  public NameFilter(String glob) {
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
