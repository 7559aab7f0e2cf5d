package dev.writ.engine.plan;

import java.util.List;

/**
 * A lowered expression: one generic node type, so that a plan is plain data that a bundle can
 * store and load without the parser. {@code str} and {@code num} carry literals and names.
 *
 * @param at the source position ({@code file:line:col}) for error messages
 */
public record PlanExpr(Op op, String str, long num, List<PlanExpr> args, String at) {
  public PlanExpr {
    args = args == null ? List.of() : List.copyOf(args);
  }

  public enum Op {
    // literals: BOOL (num 0/1), INT (num), STR (str), DUR (num seconds), TIME (str ISO-8601), ENTITY (str uid), SET (args)
    BOOL, INT, STR, DUR, TIME, ENTITY, SET,
    // VAR: str is the variable; ATTR/HAS: args[0] target, str attribute
    VAR, ATTR, HAS,
    EQ, NE, LT, LE, GT, GE, IN, ADD, SUB, MUL, AND, OR, NOT, NEG,
    // LIKE: str is the glob; MATCHES: str is the regex
    LIKE, MATCHES,
    // METHOD: str method, args[0] target, args[1..] arguments; CALL: str function, args
    METHOD, CALL,
    // IS: str the entity type, args[0] the operand, args[1] (optional) the `in` operand; IF: condition, then, else
    IS, IF,
    // RECORD: args are pairs, a STR literal naming the field and the field's value
    RECORD
  }

  public PlanExpr arg(int i) {
    return args.get(i);
  }

  public boolean isLiteral() {
    return switch (op) {
      case BOOL, INT, STR, DUR, TIME, ENTITY -> true;
      case SET, RECORD -> args.stream().allMatch(PlanExpr::isLiteral);
      default -> false;
    };
  }

  public static PlanExpr bool(boolean b, String at) {
    return new PlanExpr(Op.BOOL, null, b ? 1 : 0, List.of(), at);
  }
}
