package dev.writ.language.parse;

/**
 * Limits that keep a hostile file from exhausting the stack or the heap.
 *
 * @param maxFileChars  largest file accepted, in characters
 * @param maxNesting    deepest nesting of brackets and prefix operators ({@code ( [ { ! -})
 * @param maxErrors     syntax errors reported per file before the parser gives up on it
 */
public record ParseLimits(int maxFileChars, int maxNesting, int maxErrors) {
  public static final ParseLimits DEFAULT = new ParseLimits(16 * 1024 * 1024, 64, 25);
}
