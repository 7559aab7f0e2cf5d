package dev.writ.engine.impact;

/**
 * Which way a difference moves access. A decision moves along deny &lt; pending &lt; permit;
 * a longer ttl, or fewer approvals needed, widens. Obligations added or dropped are
 * {@link #OTHER}: they change what the enforcement point must do, not who gets in.
 */
public enum Direction {
  WIDENED, NARROWED, OTHER;

  public String json() {
    return name().toLowerCase();
  }
}
