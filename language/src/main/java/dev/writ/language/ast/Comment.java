package dev.writ.language.ast;

import dev.writ.language.source.Span;

/** A comment as written ({@code // ...} or {@code /* ... *\/}); kept so the formatter can keep it. */
public record Comment(String text, Span span) {
  public boolean isLine() {
    return text.startsWith("//");
  }
}
