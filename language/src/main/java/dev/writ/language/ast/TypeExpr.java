package dev.writ.language.ast;

import dev.writ.language.source.Span;

/** A type as written in an attribute or parameter declaration. */
public sealed interface TypeExpr permits TypeExpr.Primitive, TypeExpr.SetOf, TypeExpr.Named {
  Span span();

  enum PrimitiveKind {
    STRING("String"), INT("Int"), BOOL("Bool"), DURATION("Duration"), TIME("Time");

    private final String text;

    PrimitiveKind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  record Primitive(PrimitiveKind kind, Span span) implements TypeExpr {}

  record SetOf(TypeExpr element, Span span) implements TypeExpr {}

  /** An entity type name. */
  record Named(Name name, Span span) implements TypeExpr {}
}
