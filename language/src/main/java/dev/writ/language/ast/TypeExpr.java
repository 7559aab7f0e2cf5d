package dev.writ.language.ast;

import dev.writ.language.source.Span;

/** A type as written in an attribute or parameter declaration. */
public sealed interface TypeExpr permits TypeExpr.Primitive, TypeExpr.SetOf, TypeExpr.Named, TypeExpr.RecordOf {
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

  /** A record type: its fields in source order ({@code name?:} optional). */
  record RecordOf(java.util.List<Declaration.AttributeDecl> fields, Span span) implements TypeExpr {
    public RecordOf {
      fields = java.util.List.copyOf(fields);
    }
  }

  /** An entity type name. */
  record Named(Name name, Span span) implements TypeExpr {}
}
