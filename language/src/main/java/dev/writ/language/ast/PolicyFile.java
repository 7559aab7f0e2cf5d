package dev.writ.language.ast;

import dev.writ.language.source.Span;
import java.util.List;
import java.util.Optional;

/** One parsed {@code .policy} file. */
public record PolicyFile(Optional<QualifiedName> packageName, List<Declaration> declarations,
                         List<Comment> comments, Span span) {
  public PolicyFile {
    declarations = List.copyOf(declarations);
    comments = List.copyOf(comments);
  }

  /** {@code acme.prod}, or empty for a file without a package. */
  public String packagePrefix() {
    return packageName.map(QualifiedName::text).orElse("");
  }
}
