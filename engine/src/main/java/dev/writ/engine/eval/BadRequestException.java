package dev.writ.engine.eval;

/**
 * A request that cannot be decided at all: an entity the store does not know, a group or
 * wildcard (or, in strict mode, an undeclared action) where a concrete action is needed.
 * The message names the field ({@code principal: unknown entity `Employee::bob`}).
 */
public class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message, null, false, false);
  }
}
