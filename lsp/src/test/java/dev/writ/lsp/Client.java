package dev.writ.lsp;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * An LSP client connected to a {@link WritLanguageServer} in this JVM through LSP4J's launchers
 * on both ends of a pair of pipes: every message goes through JSON-RPC, as with an editor.
 */
final class Client implements LanguageClient, AutoCloseable {
  private final Map<String, BlockingQueue<PublishDiagnosticsParams>> diagnostics = new ConcurrentHashMap<>();
  final BlockingQueue<MessageParams> logs = new LinkedBlockingQueue<>();
  final LanguageServer server;
  private final WritLanguageServer impl;
  private final OutputStream toServer;
  private final OutputStream toClient;
  private int version = 1;

  Client(Path folder, long debounceMillis) throws IOException {
    // NIO pipes, not java.io's: those fail when a thread that wrote to them has ended.
    Pipe up = Pipe.open();
    Pipe down = Pipe.open();
    InputStream serverIn = Channels.newInputStream(up.source());
    toServer = Channels.newOutputStream(up.sink());
    InputStream clientIn = Channels.newInputStream(down.source());
    toClient = Channels.newOutputStream(down.sink());
    impl = new WritLanguageServer(debounceMillis, () -> { });
    Launcher<LanguageClient> serverSide = LSPLauncher.createServerLauncher(impl, serverIn, toClient);
    impl.connect(serverSide.getRemoteProxy());
    serverSide.startListening();
    Launcher<LanguageServer> clientSide = LSPLauncher.createClientLauncher(this, clientIn, toServer);
    clientSide.startListening();
    server = clientSide.getRemoteProxy();
    InitializeParams init = new InitializeParams();
    init.setCapabilities(new ClientCapabilities());
    if (folder != null) {
      init.setWorkspaceFolders(List.of(new WorkspaceFolder(folder.toUri().toString(), "test")));
    }
    get(server.initialize(init));
    server.initialized(new InitializedParams());
  }

  static <T> T get(CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String uri(Path p) {
    return p.toAbsolutePath().normalize().toUri().toString();
  }

  void open(Path file, String text) {
    server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
        new TextDocumentItem(uri(file), "writ-policy", version++, text)));
  }

  void change(Path file, String text) {
    server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
        new VersionedTextDocumentIdentifier(uri(file), version++), List.of(new TextDocumentContentChangeEvent(text))));
  }

  void edit(Path file, org.eclipse.lsp4j.Range range, String text) {
    server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
        new VersionedTextDocumentIdentifier(uri(file), version++),
        List.of(new TextDocumentContentChangeEvent(range, text))));
  }

  /** Waits for the next diagnostics published for a file that satisfy a condition (others are skipped). */
  PublishDiagnosticsParams diagnosticsFor(Path file, Predicate<PublishDiagnosticsParams> until) {
    String uri = uri(file);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      PublishDiagnosticsParams p;
      try {
        p = queue(uri).poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (p != null && until.test(p)) {
        return p;
      }
    }
    throw new AssertionError("no matching diagnostics for " + uri + " within 30 s");
  }

  List<? extends Location> definition(Path file, int line, int character) {
    return get(server.getTextDocumentService().definition(new DefinitionParams(
        new TextDocumentIdentifier(uri(file)), new Position(line, character)))).getLeft();
  }

  List<? extends Location> references(Path file, int line, int character, boolean withDeclaration) {
    return get(server.getTextDocumentService().references(new ReferenceParams(
        new TextDocumentIdentifier(uri(file)), new Position(line, character), new ReferenceContext(withDeclaration))));
  }

  Hover hover(Path file, int line, int character) {
    return get(server.getTextDocumentService().hover(new HoverParams(
        new TextDocumentIdentifier(uri(file)), new Position(line, character))));
  }

  List<CompletionItem> completion(Path file, int line, int character) {
    List<CompletionItem> items = get(server.getTextDocumentService().completion(new CompletionParams(
        new TextDocumentIdentifier(uri(file)), new Position(line, character)))).getLeft();
    assertNotNull(items);
    return items;
  }

  @Override
  public void telemetryEvent(Object object) {}

  @Override
  public void publishDiagnostics(PublishDiagnosticsParams params) {
    queue(params.getUri()).add(params);
  }

  private BlockingQueue<PublishDiagnosticsParams> queue(String uri) {
    return diagnostics.computeIfAbsent(uri, u -> new LinkedBlockingQueue<>());
  }

  @Override
  public void showMessage(MessageParams params) {
    logs.add(params);
  }

  @Override
  public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void logMessage(MessageParams params) {
    logs.add(params);
  }

  @Override
  public void close() throws IOException {
    get(server.shutdown());
    server.exit();
    toServer.close();
    toClient.close();
  }
}
