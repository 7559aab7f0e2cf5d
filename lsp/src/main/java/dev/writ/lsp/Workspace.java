package dev.writ.lsp;

import dev.writ.language.Frontend;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.check.CheckResult;
import dev.writ.language.check.Resolution;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.PolicySources;
import dev.writ.language.source.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policies of a workspace folder: the files on disk under the policy root, with the text of
 * the documents open in the editor in place of theirs. {@link #analyze} runs the front end on
 * all of them, as {@code writ check ROOT} would, reusing the syntax tree of every file whose
 * text did not change since the last run. Only the worker thread calls {@link #analyze}; the
 * documents may be changed from any thread.
 */
final class Workspace {
  /** An open document: its text and the version the editor gave it. */
  record Document(String uri, String text, int version) {}

  private final Path folder;
  private final Path policyRoot;
  private final Map<Path, Document> open = new ConcurrentHashMap<>();

  // Worker thread only.
  private record Parsed(SourceFile source, ParseResult result) {}

  private final Map<String, Parsed> parsed = new HashMap<>();
  private final Map<String, ParseResult> lastGood = new HashMap<>();
  private Resolution lastResolution = Resolution.EMPTY;

  /**
   * {@code folder} is the workspace folder (display paths are relative to it), or null when the
   * editor opened files without one; then each open file is checked on its own.
   */
  Workspace(Path folder, Optional<String> policyDir) {
    this.folder = folder == null ? null : folder.toAbsolutePath().normalize();
    this.policyRoot = this.folder == null ? null : policyRoot(this.folder, policyDir);
  }

  /** The configured directory, else {@code src/main/policy} when it exists (as `writ check`), else the folder. */
  static Path policyRoot(Path folder, Optional<String> policyDir) {
    if (policyDir.isPresent() && !policyDir.get().isBlank()) {
      return folder.resolve(policyDir.get()).toAbsolutePath().normalize();
    }
    Path conventional = folder.resolve("src/main/policy");
    return Files.isDirectory(conventional) ? conventional : folder;
  }

  /** Only files are policies: an editor's unsaved buffer ({@code untitled:}) is no part of a bundle. */
  static boolean isFile(String uri) {
    return uri != null && uri.startsWith("file:");
  }

  static Path path(String uri) {
    return Path.of(java.net.URI.create(uri)).toAbsolutePath().normalize();
  }

  void open(String uri, String text, int version) {
    open.put(path(uri), new Document(uri, text, version));
  }

  void close(String uri) {
    open.remove(path(uri));
  }

  Optional<Document> document(String uri) {
    return isFile(uri) ? Optional.ofNullable(open.get(path(uri))) : Optional.empty();
  }

  String uri(Path p) {
    Document d = open.get(p);
    return d != null ? d.uri() : p.toUri().toString();
  }

  boolean inBundle(Path p) {
    return policyRoot != null && p.startsWith(policyRoot);
  }

  /**
   * One run of the front end over the workspace. {@code diagnostics} has an entry for every
   * file of the bundle (empty when it has no problems); {@code unplaced} holds those about no
   * file (an empty policy directory).
   */
  record Analysis(Map<Path, SourceFile> sources, Map<Path, List<Diagnostic>> diagnostics, List<Diagnostic> unplaced,
                  SymbolIndex index, Map<String, Path> paths) {
    Optional<Path> pathOf(SourceFile f) {
      return Optional.ofNullable(paths.get(f.path()));
    }
  }

  Analysis analyze() {
    Map<Path, SourceFile> sources = new LinkedHashMap<>();
    Map<String, Path> paths = new HashMap<>();
    List<Diagnostic> problems = new ArrayList<>();
    List<PolicyFile> trees = new ArrayList<>();
    Resolution resolution = lastResolution;

    if (policyRoot != null) {
      TreeMap<Path, SourceFile> files = new TreeMap<>();
      PolicySources.Loaded loaded = PolicySources.load(policyRoot);
      for (SourceFile f : loaded.files()) {
        Path p = Path.of(f.path()).toAbsolutePath().normalize();
        files.put(p, source(p, f.text()));
      }
      for (Map.Entry<Path, Document> e : open.entrySet()) {
        if (inBundle(e.getKey()) && e.getKey().toString().endsWith(".policy")) {
          files.put(e.getKey(), source(e.getKey(), e.getValue().text()));
        }
      }
      boolean noFiles = files.isEmpty();
      for (Diagnostic d : loaded.diagnostics().items()) {
        // An empty directory is no problem while a new file is open in it.
        if (noFiles || d.code() != DiagnosticCode.IO_NO_POLICIES) {
          problems.add(d);
        }
      }
      List<SourceFile> list = new ArrayList<>(files.values());
      files.forEach((p, f) -> {
        sources.put(p, f);
        paths.put(f.path(), p);
      });
      Frontend.Analysis run = Frontend.analyze(list, this::parse);
      problems.addAll(run.diagnostics().items());
      Optional<Resolution> resolved = run.checked().map(CheckResult::resolution);
      if (resolved.isPresent()) {
        resolution = resolved.get();
        lastResolution = resolution;
      }
      for (int i = 0; i < list.size(); i++) {
        String display = list.get(i).path();
        Optional<PolicyFile> tree = run.parsed().get(i).file();
        if (tree.isPresent()) {
          lastGood.put(display, run.parsed().get(i));
          trees.add(tree.get());
        } else if (lastGood.containsKey(display)) {
          trees.add(lastGood.get(display).file().get()); // the last tree that parsed, for navigation
        }
      }
      parsed.keySet().retainAll(paths.keySet());
      lastGood.keySet().retainAll(paths.keySet());
    }
    // A document outside the bundle is checked by itself, as `writ check FILE` would.
    for (Map.Entry<Path, Document> e : open.entrySet()) {
      if (!inBundle(e.getKey())) {
        SourceFile f = new SourceFile(display(e.getKey()), e.getValue().text());
        sources.put(e.getKey(), f);
        paths.put(f.path(), e.getKey());
        problems.addAll(Frontend.analyze(List.of(f), PolicyParser::parse).diagnostics().items());
      }
    }

    Map<Path, List<Diagnostic>> byFile = new LinkedHashMap<>();
    sources.keySet().forEach(p -> byFile.put(p, new ArrayList<>()));
    List<Diagnostic> unplaced = new ArrayList<>();
    for (Diagnostic d : problems) {
      Path p = paths.get(d.path());
      if (p == null && d.span().source() != null) {
        Path abs = Path.of(d.path()).toAbsolutePath().normalize();
        p = Files.isRegularFile(abs) ? abs : null; // an unreadable file is named by its own path
      }
      if (p == null) {
        unplaced.add(d);
      } else {
        byFile.computeIfAbsent(p, k -> new ArrayList<>()).add(d);
      }
    }
    return new Analysis(sources, byFile, unplaced, SymbolIndex.build(trees, resolution), paths);
  }

  /** The tree of a file's text: the previous one when the text is the same (its spans are then still true). */
  private ParseResult parse(SourceFile f) {
    Parsed cached = parsed.get(f.path());
    if (cached != null && cached.source() == f) {
      return cached.result();
    }
    ParseResult fresh = PolicyParser.parse(f);
    parsed.put(f.path(), new Parsed(f, fresh));
    return fresh;
  }

  /** The source of a file: the one parsed last time when its text did not change, so its tree is reused. */
  private SourceFile source(Path p, String text) {
    String display = display(p);
    Parsed cached = parsed.get(display);
    return cached != null && cached.source().text().equals(text) ? cached.source() : new SourceFile(display, text);
  }

  /** A path as `writ check` run in the workspace folder prints it. */
  private String display(Path p) {
    return folder != null && p.startsWith(folder) ? folder.relativize(p).toString() : p.toString();
  }
}
