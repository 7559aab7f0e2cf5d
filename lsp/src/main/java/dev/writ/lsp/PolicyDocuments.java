package dev.writ.lsp;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Str;
import dev.writ.language.check.Resolution;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.Severity;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentPositionParams;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * Open documents and what is asked about them. Changes are applied on the JSON-RPC reader
 * thread (cheap), and an analysis of the whole bundle is scheduled on one worker thread after
 * a quiet period, so a burst of keystrokes costs one run; navigation requests run on the worker
 * too, after any pending analysis, so they see the text the editor has. Completion and
 * formatting run on a second thread and read the last analysis: they must not wait behind a
 * check of the bundle.
 */
final class PolicyDocuments implements TextDocumentService {
  static final long DEFAULT_DEBOUNCE_MILLIS = 100;

  private final long debounceMillis;
  private final ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1, r -> thread(r, "writ-lsp-check"));
  private final ExecutorService quick = Executors.newSingleThreadExecutor(r -> thread(r, "writ-lsp-complete"));
  private volatile LanguageClient client;
  private volatile Workspace workspace;
  private volatile Workspace.Analysis analysis;

  // Worker thread only.
  private ScheduledFuture<?> pending;
  private final Set<Path> changedSinceAnalysis = new HashSet<>();
  private final Map<Path, List<org.eclipse.lsp4j.Diagnostic>> published = new HashMap<>();

  PolicyDocuments(long debounceMillis) {
    this.debounceMillis = debounceMillis;
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  void connect(LanguageClient client) {
    this.client = client;
  }

  void start(Workspace workspace) {
    this.workspace = workspace;
  }

  /**
   * Stops both threads without interrupting them: an interrupt during a write would close the
   * channel the protocol runs on (NIO channels close on interrupt), and the answer to
   * {@code shutdown} would be lost. A scheduled analysis that has not started is dropped.
   */
  void stop() {
    worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    worker.shutdown();
    quick.shutdown();
  }

  // ---- document changes --------------------------------------------------------------

  @Override
  public void didOpen(DidOpenTextDocumentParams params) {
    if (!Workspace.isFile(params.getTextDocument().getUri())) {
      return;
    }
    workspace.open(params.getTextDocument().getUri(), params.getTextDocument().getText(),
        params.getTextDocument().getVersion());
    changed(params.getTextDocument().getUri());
  }

  @Override
  public void didChange(DidChangeTextDocumentParams params) {
    String uri = params.getTextDocument().getUri();
    if (!Workspace.isFile(uri)) {
      return;
    }
    String text = workspace.document(uri).map(Workspace.Document::text).orElse("");
    for (TextDocumentContentChangeEvent change : params.getContentChanges()) {
      text = apply(text, change);
    }
    workspace.open(uri, text, params.getTextDocument().getVersion());
    changed(uri);
  }

  static String apply(String text, TextDocumentContentChangeEvent change) {
    if (change.getRange() == null) {
      return change.getText();
    }
    LineMap lines = new LineMap(text);
    int start = lines.offset(change.getRange().getStart());
    int end = Math.max(start, lines.offset(change.getRange().getEnd()));
    return text.substring(0, start) + change.getText() + text.substring(end);
  }

  @Override
  public void didClose(DidCloseTextDocumentParams params) {
    if (!Workspace.isFile(params.getTextDocument().getUri())) {
      return;
    }
    workspace.close(params.getTextDocument().getUri());
    changed(params.getTextDocument().getUri());
  }

  @Override
  public void didSave(DidSaveTextDocumentParams params) {
    if (!Workspace.isFile(params.getTextDocument().getUri())) {
      return;
    }
    changed(params.getTextDocument().getUri());
  }

  /** Schedules an analysis after the quiet period; {@code uri} (may be null) gets its diagnostics published. */
  void changed(String uri) {
    execute(() -> {
      if (uri != null) {
        changedSinceAnalysis.add(Workspace.path(uri));
      }
      if (pending != null) {
        pending.cancel(false);
      }
      if (worker.isShutdown()) {
        return;
      }
      pending = worker.schedule(this::analyzeNow, debounceMillis, TimeUnit.MILLISECONDS);
    });
  }

  private void execute(Runnable r) {
    if (!worker.isShutdown()) {
      worker.execute(guarded(r));
    }
  }

  private Runnable guarded(Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        log(MessageType.Error, "writ: internal error: " + e);
      }
    };
  }

  /** Runs the pending analysis now, if there is one (worker thread). */
  private void flush() {
    if (pending != null && !pending.isDone()) {
      pending.cancel(false);
      analyzeNow();
    }
  }

  private void analyzeNow() {
    pending = null;
    if (workspace == null) {
      return;
    }
    Workspace.Analysis a = workspace.analyze();
    analysis = a;
    for (Diagnostic d : a.unplaced()) {
      log(MessageType.Warning, d.headline());
    }
    // Every file once; then a file whose problems changed (an empty list when they are fixed) or
    // whose text the editor changed, so that it knows its version was checked.
    Set<Path> targets = new HashSet<>(a.diagnostics().keySet());
    targets.addAll(published.keySet());
    for (Path p : targets) {
      List<org.eclipse.lsp4j.Diagnostic> now = new ArrayList<>();
      for (Diagnostic d : a.diagnostics().getOrDefault(p, List.of())) {
        now.add(toLsp(d, workspace.uri(p)));
      }
      List<org.eclipse.lsp4j.Diagnostic> before = published.get(p);
      boolean same = before != null && now.equals(before);
      if (same && !changedSinceAnalysis.contains(p)) {
        continue;
      }
      published.put(p, now);
      if (!a.diagnostics().containsKey(p)) {
        published.remove(p); // gone from the bundle: cleared once, then forgotten
      }
      PublishDiagnosticsParams params = new PublishDiagnosticsParams(workspace.uri(p), now);
      workspace.document(workspace.uri(p)).ifPresent(d -> params.setVersion(d.version()));
      LanguageClient c = client;
      if (c != null) {
        c.publishDiagnostics(params);
      }
    }
    changedSinceAnalysis.clear();
  }

  /** A diagnostic with the code and message `writ check` prints; its hint as related information. */
  static org.eclipse.lsp4j.Diagnostic toLsp(Diagnostic d, String uri) {
    Range range = range(d.span());
    org.eclipse.lsp4j.Diagnostic out = new org.eclipse.lsp4j.Diagnostic(range, d.message(),
        d.severity() == Severity.ERROR ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, "writ",
        d.code().code());
    d.hint().ifPresent(h -> out.setRelatedInformation(List.of(
        new DiagnosticRelatedInformation(new Location(uri, range), "hint: " + h))));
    return out;
  }

  static Range range(Span span) {
    if (span.source() == null) {
      return new Range(new Position(0, 0), new Position(0, 0));
    }
    return lines(span.source()).range(span.start(), span.end());
  }

  private static final Map<SourceFile, LineMap> LINE_MAPS = java.util.Collections.synchronizedMap(
      new java.util.WeakHashMap<>());

  private static LineMap lines(SourceFile f) {
    return LINE_MAPS.computeIfAbsent(f, s -> new LineMap(s.text()));
  }

  // ---- requests ----------------------------------------------------------------------

  /** Runs on the worker after any pending analysis, so the answer is about the editor's text. */
  private <T> CompletableFuture<T> onAnalysis(Supplier<T> answer) {
    return CompletableFuture.supplyAsync(() -> {
      flush();
      if (analysis == null) {
        analyzeNow();
      }
      return answer.get();
    }, worker);
  }

  private Optional<SymbolIndex.Occurrence> occurrence(TextDocumentPositionParams p) {
    Workspace.Analysis a = analysis;
    if (!Workspace.isFile(p.getTextDocument().getUri())) {
      return Optional.empty();
    }
    Path path = Workspace.path(p.getTextDocument().getUri());
    SourceFile source = a.sources().get(path);
    if (source == null) {
      return Optional.empty();
    }
    int offset = lines(source).offset(p.getPosition());
    return a.index().at(source.path(), offset);
  }

  private Optional<Location> location(Span span) {
    if (span.source() == null) {
      return Optional.empty();
    }
    return analysis.pathOf(span.source()).map(p -> new Location(workspace.uri(p), range(span)));
  }

  @Override
  public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(
      DefinitionParams params) {
    return onAnalysis(() -> {
      List<Location> out = new ArrayList<>();
      occurrence(params).flatMap(o -> analysis.index().definition(o.symbol()))
          .flatMap(d -> location(d.name())).ifPresent(out::add);
      return Either.forLeft(out);
    });
  }

  @Override
  public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
    return onAnalysis(() -> {
      List<Location> out = new ArrayList<>();
      boolean withDeclaration = params.getContext() == null || params.getContext().isIncludeDeclaration();
      occurrence(params).ifPresent(o -> {
        for (SymbolIndex.Occurrence use : analysis.index().occurrences(o.symbol())) {
          if (withDeclaration || !use.declaration()) {
            location(use.span()).ifPresent(out::add);
          }
        }
      });
      return out;
    });
  }

  @Override
  public CompletableFuture<Hover> hover(HoverParams params) {
    return onAnalysis(() -> occurrence(params).flatMap(o -> analysis.index().definition(o.symbol())
            .map(d -> new Hover(new MarkupContent(MarkupKind.MARKDOWN, d.markdown()), range(o.span()))))
        .orElse(null));
  }

  @Override
  public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(
      DocumentSymbolParams params) {
    return onAnalysis(() -> {
      List<Either<SymbolInformation, DocumentSymbol>> out = new ArrayList<>();
      String uri = params.getTextDocument().getUri();
      SourceFile source = Workspace.isFile(uri) ? analysis.sources().get(Workspace.path(uri)) : null;
      PolicyFile tree = source == null ? null : analysis.index().trees().get(source.path());
      if (tree == null) {
        // Outside the bundle, or never parsed: parse the document by itself.
        tree = workspace.document(params.getTextDocument().getUri())
            .map(d -> PolicyParser.parse(new SourceFile(params.getTextDocument().getUri(), d.text())).file())
            .flatMap(f -> f).orElse(null);
      }
      if (tree != null) {
        for (Declaration d : tree.declarations()) {
          symbol(tree, d).ifPresent(s -> out.add(Either.forRight(s)));
        }
      }
      return out;
    });
  }

  private static Optional<DocumentSymbol> symbol(PolicyFile file, Declaration d) {
    switch (d.kind()) {
      case ENTITY_TYPE -> {
        Declaration.EntityType e = (Declaration.EntityType) d;
        DocumentSymbol s = new DocumentSymbol(e.name().value(), SymbolKind.Class, range(d.span()),
            range(e.name().span()), e.entityKind().keyword() + " type");
        List<DocumentSymbol> attrs = new ArrayList<>();
        for (Declaration.AttributeDecl a : e.attributes()) {
          attrs.add(new DocumentSymbol(a.name().value(), SymbolKind.Field, range(a.span()), range(a.name().span()),
              dev.writ.language.ast.Printer.print(a.type())));
        }
        s.setChildren(attrs);
        return Optional.of(s);
      }
      case INTENT -> {
        IntentDecl i = (IntentDecl) d;
        DocumentSymbol s = new DocumentSymbol(i.name().value(), SymbolKind.Interface, range(d.span()),
            range(i.name().span()), "intent");
        List<DocumentSymbol> params = new ArrayList<>();
        for (IntentDecl.Param p : i.params()) {
          params.add(new DocumentSymbol(p.name().value(), SymbolKind.Property, range(p.span()), range(p.name().span()),
              dev.writ.language.ast.Printer.print(p.type())));
        }
        s.setChildren(params);
        return Optional.of(s);
      }
      case RULE -> {
        RuleDecl r = (RuleDecl) d;
        return Optional.of(new DocumentSymbol(Resolution.ruleName(file, r), SymbolKind.Function, range(d.span()),
            range(r.name().span()), r.effect().keyword()));
      }
      case ACTION_GROUP -> {
        Declaration.ActionGroup g = (Declaration.ActionGroup) d;
        return Optional.of(new DocumentSymbol(g.name().value(), SymbolKind.Enum, range(d.span()),
            range(g.name().span()), "action group"));
      }
      case ACTIONS -> {
        List<Str> actions = ((Declaration.Actions) d).actions();
        if (actions.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(new DocumentSymbol(String.join(", ", actions.stream().map(Str::value).toList()),
            SymbolKind.Constant, range(d.span()), range(actions.get(0).span()), "action"));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  @Override
  public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
    return CompletableFuture.supplyAsync(() -> {
      String uri = params.getTextDocument().getUri();
      Optional<Workspace.Document> doc = workspace.document(uri);
      Workspace.Analysis a = analysis;
      if (doc.isEmpty()) {
        return Either.<List<CompletionItem>, CompletionList>forLeft(List.of());
      }
      String text = doc.get().text();
      int offset = new LineMap(text).offset(params.getPosition());
      SymbolIndex index = a == null ? SymbolIndex.EMPTY : a.index();
      String path = a == null ? "" : Optional.ofNullable(a.sources().get(Workspace.path(uri)))
          .map(SourceFile::path).orElse("");
      return Either.<List<CompletionItem>, CompletionList>forLeft(Completions.at(text, offset, path, index));
    }, quick);
  }

  /** The whole document as `writ fmt` prints it; no edit when it has syntax errors (as `writ fmt` refuses). */
  @Override
  public CompletableFuture<List<? extends TextEdit>> formatting(DocumentFormattingParams params) {
    return CompletableFuture.supplyAsync(() -> {
      Optional<Workspace.Document> doc = workspace.document(params.getTextDocument().getUri());
      if (doc.isEmpty()) {
        return List.<TextEdit>of();
      }
      String text = doc.get().text();
      ParseResult parsed = PolicyParser.parse(new SourceFile(params.getTextDocument().getUri(), text));
      if (parsed.file().isEmpty()) {
        return List.<TextEdit>of();
      }
      String formatted = Formatter.format(parsed.file().get());
      if (formatted.equals(text)) {
        return List.<TextEdit>of();
      }
      return List.of(new TextEdit(new LineMap(text).whole(), formatted));
    }, quick);
  }

  private void log(MessageType type, String message) {
    LanguageClient c = client;
    if (c != null) {
      c.logMessage(new MessageParams(type, message));
    }
  }
}
