package dev.writ.language.ast;

import dev.writ.language.source.Span;
import java.util.List;
import java.util.stream.Collectors;

public record QualifiedName(List<Name> parts, Span span) {
  public QualifiedName {
    parts = List.copyOf(parts);
  }

  public String text() {
    return parts.stream().map(Name::value).collect(Collectors.joining("."));
  }
}
