package dev.writ.engine.eval;

/**
 * A request that cannot be decided at all: an entity the store does not know, a group or
 * wildcard (or, in strict mode, an undeclared action) where a concrete action is needed.
 * It carries the field it is about ({@link #field()}, such as {@code principal} or
 * {@code actions[1]}) as data; the message names it too ({@code principal: unknown entity
 * `Employee::bob`}).
 */
public class BadRequestException extends RuntimeException {
  private final String field;

  /**
   * @param field   the path of the request field at fault
   * @param problem what is wrong with it
   */
  public BadRequestException(String field, String problem) {
    super(field + ": " + problem, null, false, false);
    this.field = field;
  }

  /** The path of the request field at fault: {@code principal}, {@code actions[1]}, {@code approvals[0].by}. */
  public String field() {
    return field;
  }
}
