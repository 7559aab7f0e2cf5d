package dev.writ.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.PositionEncodingKind;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The Writ language server: diagnostics, formatting, navigation, hover, completion and document
 * symbols for {@code .policy} files, on the front end {@code writ check} and {@code writ fmt}
 * use. The bundle is the workspace folder's policy directory: {@code src/main/policy} when it
 * exists, else the folder itself, or the {@code policyDirectory} initialization option.
 */
public final class WritLanguageServer implements LanguageServer, LanguageClientAware {
  private final PolicyDocuments documents;
  private final Runnable onExit;
  private volatile boolean shutdown;

  /** A server with the default quiet period, for a client that manages the connection itself. */
  public WritLanguageServer() {
    this(PolicyDocuments.DEFAULT_DEBOUNCE_MILLIS, () -> { });
  }

  /**
   * {@code debounceMillis}: the quiet period after a change before the bundle is checked;
   * {@code onExit} runs when the client sends {@code exit} (the command then ends the process).
   */
  public WritLanguageServer(long debounceMillis, Runnable onExit) {
    this.documents = new PolicyDocuments(debounceMillis);
    this.onExit = onExit;
  }

  /**
   * Serves one client over a pair of streams until it sends {@code exit} or closes the input.
   * Returns the exit code the protocol asks for: 0 when {@code shutdown} came first, else 1.
   */
  public static int serve(InputStream in, OutputStream out) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    WritLanguageServer server = new WritLanguageServer(PolicyDocuments.DEFAULT_DEBOUNCE_MILLIS,
        () -> done.complete(null));
    Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
    server.connect(launcher.getRemoteProxy());
    Future<Void> listening = launcher.startListening();
    Thread watcher = new Thread(() -> {
      try {
        listening.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // The connection broke: treated as the end of input.
      }
      done.complete(null);
    }, "writ-lsp-input");
    watcher.setDaemon(true);
    watcher.start();
    done.join();
    server.documents.stop();
    return server.shutdown ? 0 : 1;
  }

  @Override
  public void connect(LanguageClient client) {
    documents.connect(client);
  }

  @Override
  public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
    Path folder = folder(params).orElse(null);
    documents.start(new Workspace(folder, option(params.getInitializationOptions(), "policyDirectory")));

    ServerCapabilities caps = new ServerCapabilities();
    TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
    sync.setOpenClose(true);
    sync.setChange(TextDocumentSyncKind.Incremental);
    sync.setSave(true);
    caps.setTextDocumentSync(sync);
    caps.setPositionEncoding(PositionEncodingKind.UTF16);
    caps.setDocumentFormattingProvider(true);
    caps.setDefinitionProvider(true);
    caps.setReferencesProvider(true);
    caps.setHoverProvider(true);
    caps.setDocumentSymbolProvider(true);
    CompletionOptions completion = new CompletionOptions();
    completion.setTriggerCharacters(List.of(".", "\""));
    caps.setCompletionProvider(completion);
    String version = WritLanguageServer.class.getPackage().getImplementationVersion();
    return CompletableFuture.completedFuture(new InitializeResult(caps,
        new ServerInfo("writ", version == null ? "development build" : version)));
  }

  @Override
  public void initialized(InitializedParams params) {
    documents.changed(null);
  }

  @Override
  public CompletableFuture<Object> shutdown() {
    shutdown = true;
    documents.stop();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void exit() {
    documents.stop();
    onExit.run();
  }

  @Override
  public TextDocumentService getTextDocumentService() {
    return documents;
  }

  @Override
  public WorkspaceService getWorkspaceService() {
    return new WorkspaceService() {
      @Override
      public void didChangeConfiguration(DidChangeConfigurationParams params) {
        documents.changed(null);
      }

      @Override
      public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        documents.changed(null); // the disk is read again on the next analysis
      }
    };
  }

  @SuppressWarnings("deprecation") // rootUri: older clients send no workspace folders
  private static Optional<Path> folder(InitializeParams params) {
    List<WorkspaceFolder> folders = params.getWorkspaceFolders();
    String uri = folders != null && !folders.isEmpty() ? folders.get(0).getUri() : params.getRootUri();
    return uri == null ? Optional.empty() : Optional.of(Workspace.path(uri));
  }

  private static Optional<String> option(Object options, String name) {
    if (options instanceof JsonObject o) {
      JsonElement e = o.get(name);
      return e != null && e.isJsonPrimitive() ? Optional.of(e.getAsString()) : Optional.empty();
    }
    return Optional.empty();
  }
}
