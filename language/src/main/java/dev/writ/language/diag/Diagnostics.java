package dev.writ.language.diag;

import java.util.ArrayList;
import java.util.List;

/** An immutable, sorted list of diagnostics. */
public record Diagnostics(List<Diagnostic> items) {
  public static final Diagnostics EMPTY = new Diagnostics(List.of());

  public Diagnostics {
    List<Diagnostic> sorted = new ArrayList<>(items);
    sorted.sort(Diagnostic.ORDER);
    items = List.copyOf(sorted);
  }

  public boolean hasErrors() {
    return items.stream().anyMatch(Diagnostic::isError);
  }

  public long errorCount() {
    return items.stream().filter(Diagnostic::isError).count();
  }

  public long warningCount() {
    return items.size() - errorCount();
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public Diagnostics plus(Diagnostics other) {
    List<Diagnostic> all = new ArrayList<>(items);
    all.addAll(other.items);
    return new Diagnostics(all);
  }

  public List<Diagnostic> errors() {
    return items.stream().filter(Diagnostic::isError).toList();
  }
}
