package dev.writ.language.ast;

import dev.writ.language.source.Span;

/** A string literal outside expressions (action names, metadata), already unescaped. */
public record Str(String value, Span span) {
  public static Str of(String value) {
    return new Str(value, Span.NONE);
  }

  @Override
  public String toString() {
    return value;
  }
}
