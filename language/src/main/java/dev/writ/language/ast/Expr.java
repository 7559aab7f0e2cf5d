package dev.writ.language.ast;

import dev.writ.language.source.Span;
import java.util.List;

/**
 * Expressions (docs/language.md §6). {@code &&} and {@code ||} are n-ary so that a long chain is a
 * flat list, not a deep tree: later stages recurse over expressions and must not overflow.
 */
public sealed interface Expr
    permits Expr.BoolLit, Expr.IntLit, Expr.StrLit, Expr.DurationLit, Expr.EntityLit, Expr.Var, Expr.Attr,
    Expr.Index, Expr.Has, Expr.Binary, Expr.And, Expr.Or, Expr.Not, Expr.Neg, Expr.Like, Expr.Matches,
    Expr.MethodCall, Expr.Call, Expr.SetLit, Expr.Is, Expr.If, Expr.RecordLit {

  enum Kind {
    BOOL, INT, STRING, DURATION, ENTITY, VAR, ATTR, INDEX, HAS, BINARY, AND, OR, NOT, NEG, LIKE, MATCHES,
    METHOD, CALL, SET, IS, IF, RECORD
  }

  Kind kind();

  Span span();

  /** The request variables. */
  enum Variable {
    PRINCIPAL("principal"), RESOURCE("resource"), ACTION("action"), CONTEXT("context"), INTENT("intent"),
    DELEGATION("delegation"), REQUEST("request");

    private final String keyword;

    Variable(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }
  }

  enum BinaryOp {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), ADD("+"), SUB("-"), MUL("*");

    private final String symbol;

    BinaryOp(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean isRelational() {
      return this != ADD && this != SUB && this != MUL;
    }
  }

  record BoolLit(boolean value, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.BOOL;
    }
  }

  record IntLit(long value, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.INT;
    }
  }

  record StrLit(String value, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.STRING;
    }
  }

  record DurationLit(long seconds, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.DURATION;
    }
  }

  record EntityLit(EntityLiteral entity, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.ENTITY;
    }
  }

  record Var(Variable variable, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.VAR;
    }
  }

  /** {@code target.attr}. */
  record Attr(Expr target, Name attr, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.ATTR;
    }
  }

  /** {@code target["key"]}: an attribute whose name is not an identifier. */
  record Index(Expr target, String key, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.INDEX;
    }
  }

  /** {@code target has attr}. */
  record Has(Expr target, String attr, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.HAS;
    }
  }

  record Binary(BinaryOp op, Expr left, Expr right, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.BINARY;
    }
  }

  record And(List<Expr> operands, Span span) implements Expr {
    public And {
      operands = List.copyOf(operands);
    }

    @Override
    public Kind kind() {
      return Kind.AND;
    }
  }

  record Or(List<Expr> operands, Span span) implements Expr {
    public Or {
      operands = List.copyOf(operands);
    }

    @Override
    public Kind kind() {
      return Kind.OR;
    }
  }

  record Not(Expr operand, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.NOT;
    }
  }

  record Neg(Expr operand, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.NEG;
    }
  }

  /** {@code s like "pat*"}; the pattern is kept as written ({@code \*} is a literal star). */
  record Like(Expr operand, String pattern, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.LIKE;
    }
  }

  record Matches(Expr operand, String regex, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.MATCHES;
    }
  }

  /** {@code target.method(args)}: contains, containsAll, containsAny. */
  record MethodCall(Expr target, Name method, List<Expr> args, Span span) implements Expr {
    public MethodCall {
      args = List.copyOf(args);
    }

    @Override
    public Kind kind() {
      return Kind.METHOD;
    }
  }

  /** {@code fn(args)}: hour, weekday, time, duration, size, lower, cidr. */
  record Call(Name function, List<Expr> args, Span span) implements Expr {
    public Call {
      args = List.copyOf(args);
    }

    @Override
    public Kind kind() {
      return Kind.CALL;
    }
  }

  record SetLit(List<Expr> elements, Span span) implements Expr {
    public SetLit {
      elements = List.copyOf(elements);
    }

    @Override
    public Kind kind() {
      return Kind.SET;
    }
  }

  /** {@code operand is T} or {@code operand is T in E}: a type test (Cedar's {@code is}). */
  record Is(Expr operand, Name type, java.util.Optional<Expr> in, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.IS;
    }
  }

  /** {@code {name: value, "other name": value}}: a record literal, fields in source order. */
  record RecordLit(List<Field> fields, Span span) implements Expr {
    public RecordLit {
      fields = List.copyOf(fields);
    }

    @Override
    public Kind kind() {
      return Kind.RECORD;
    }
  }

  /** A field of a record literal. */
  record Field(String name, Expr value, Span nameSpan) {}

  /** {@code if C then A else B}: only the branch that {@code C} selects is evaluated. */
  record If(Expr condition, Expr then, Expr otherwise, Span span) implements Expr {
    @Override
    public Kind kind() {
      return Kind.IF;
    }
  }
}
