package dev.writ.language.testing;

import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The policy snippets of the language specification Writ was built from (the package line of §3, the schema of §4, the intent of §5
 * and the rules of §6), copied verbatim into the test resources {@code spec/bundle/*.policy}.
 * Together they form one valid strict-mode bundle.
 */
public final class SpecBundle {
  private SpecBundle() {}

  /** The class-path directory of the bundle. */
  public static final String DIRECTORY = "spec/bundle";
  /** The bundle's files, in path order. */
  public static final List<String> FILES = List.of("intents.policy", "rules.policy", "schema.policy");

  /** The bundle's files as sources, in path order (paths like {@code spec/bundle/rules.policy}). */
  public static List<SourceFile> sources() {
    return FILES.stream().map(f -> new SourceFile(DIRECTORY + "/" + f, resource(DIRECTORY + "/" + f))).toList();
  }

  /** The texts of the bundle's files. */
  public static List<String> texts() {
    return sources().stream().map(SourceFile::text).toList();
  }

  /** A text resource of the language test class path. */
  public static String resource(String name) {
    try (InputStream in = SpecBundle.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
