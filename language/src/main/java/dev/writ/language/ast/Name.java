package dev.writ.language.ast;

import dev.writ.language.source.Span;

/** An identifier as written, with its span. */
public record Name(String value, Span span) {
  public static Name of(String value) {
    return new Name(value, Span.NONE);
  }

  @Override
  public String toString() {
    return value;
  }
}
