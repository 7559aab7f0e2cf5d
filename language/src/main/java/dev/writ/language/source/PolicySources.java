package dev.writ.language.source;

import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.diag.Diagnostics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the {@code .policy} files of a bundle directory (any depth), in path order. */
public final class PolicySources {
  private PolicySources() {}

  public record Loaded(List<SourceFile> files, Diagnostics diagnostics) {}

  /** Every {@code .policy} file under {@code dir}; problems (unreadable, binary, none) as diagnostics. */
  public static Loaded load(Path dir) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    List<SourceFile> files = new ArrayList<>();
    String shown = dir.toString();
    if (!Files.exists(dir)) {
      diagnostics.add(problem(shown, DiagnosticCode.IO_UNREADABLE, "policy directory `" + shown + "` does not exist"));
      return new Loaded(files, new Diagnostics(diagnostics));
    }
    if (Files.isRegularFile(dir)) {
      readOne(dir, shown, files, diagnostics);
      return new Loaded(files, new Diagnostics(diagnostics));
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.filter(p -> p.getFileName().toString().endsWith(".policy") && Files.isRegularFile(p))
          .sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      diagnostics.add(problem(shown, DiagnosticCode.IO_UNREADABLE, "cannot read `" + shown + "`: " + reason(e)));
      return new Loaded(files, new Diagnostics(diagnostics));
    }
    if (paths.isEmpty()) {
      diagnostics.add(problem(shown, DiagnosticCode.IO_NO_POLICIES, "no `.policy` files in `" + shown + "`",
          "a bundle is every file ending in `.policy` under the directory, at any depth"));
    }
    for (Path p : paths) {
      readOne(p, p.toString(), files, diagnostics);
    }
    return new Loaded(files, new Diagnostics(diagnostics));
  }

  private static void readOne(Path p, String shown, List<SourceFile> files, List<Diagnostic> diagnostics) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (IOException e) {
      diagnostics.add(problem(shown, DiagnosticCode.IO_UNREADABLE, "cannot read `" + shown + "`: " + reason(e)));
      return;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      diagnostics.add(problem(shown, DiagnosticCode.IO_NOT_TEXT, "file is not UTF-8 text",
          "policy files are UTF-8; save it with that encoding"));
      return;
    }
    if (text.indexOf('\0') >= 0) {
      diagnostics.add(problem(shown, DiagnosticCode.IO_NOT_TEXT, "file is binary, not policy text",
          "it holds NUL characters; if it is text in UTF-16, save it as UTF-8"));
      return;
    }
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1); // a byte-order mark is not part of the policy
    }
    files.add(new SourceFile(shown, text));
  }

  private static Diagnostic problem(String path, DiagnosticCode code, String message) {
    return problem(path, code, message, null);
  }

  private static Diagnostic problem(String path, DiagnosticCode code, String message, String hint) {
    return Diagnostic.of(code, new Span(new SourceFile(path, ""), 0, 0), message, hint);
  }

  private static String reason(Exception e) {
    Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
    if (t instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (t instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
