package dev.writ.language.ast;

import dev.writ.language.source.Span;

/** {@code Type::"id"} in a selector, an approval clause or an expression. */
public record EntityLiteral(Name type, String id, Span span) {
  public String text() {
    return type.value() + "::" + Printer.quote(id);
  }
}
