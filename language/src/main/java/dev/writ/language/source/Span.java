package dev.writ.language.source;

/**
 * A range of characters in a source file: {@code [start, end)}.
 *
 * <p>NOTE: spans are deliberately excluded from equality: {@link #equals} is true for any two
 * spans, so that syntax-tree records (which all carry a span) compare by structure alone. Use
 * {@link #sameRange} to compare positions.
 */
public record Span(SourceFile source, int start, int end) {
  /** A span for nodes that were built rather than parsed (generators, the formatter's tests). */
  public static final Span NONE = new Span(null, 0, 0);

  public Span {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("internal invariant violated: bad span " + start + ".." + end);
    }
  }

  public boolean isKnown() {
    return source != null;
  }

  /** The smallest span covering both. */
  public Span to(Span other) {
    if (!isKnown()) {
      return other;
    }
    if (!other.isKnown()) {
      return this;
    }
    return new Span(source, Math.min(start, other.start), Math.max(end, other.end));
  }

  public int line() {
    return source == null ? 0 : source.line(start);
  }

  public int column() {
    return source == null ? 0 : source.column(start);
  }

  /** {@code path:line:col}, or {@code <unknown>} for built nodes. */
  public String position() {
    return source == null ? "<unknown>" : source.position(start);
  }

  public boolean sameRange(Span other) {
    return other != null && source == other.source && start == other.start && end == other.end;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Span;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return position();
  }
}
