package dev.writ.bench;

import dev.writ.language.source.SourceFile;
import dev.writ.lsp.WritLanguageServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
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
 * How fast `writ lsp` answers while one types, on a generated workspace (REALISTIC mix): the
 * time from sending {@code didChange} to receiving the file's {@code publishDiagnostics} (the
 * quiet period included: it is what an editor waits), alternately breaking a type name in one
 * rule and fixing it; and the round trip of a completion after {@code principal.}. Client and
 * server talk JSON-RPC through LSP4J over in-memory pipes, as with an editor, minus the process
 * boundary.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.writ.bench.LspLatency [--rules 1000] [--per-file 25] [--edits 60]
 *        [--completions 300] [--debounce 120]
 * </pre>
 */
public final class LspLatency {
  private LspLatency() {}

  public static void main(String[] args) throws Exception {
    int rules = 1000;
    int perFile = 25;
    int edits = 60;
    int completions = 300;
    long debounce = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rules" -> rules = Integer.parseInt(args[++i]);
        case "--per-file" -> perFile = Integer.parseInt(args[++i]);
        case "--edits" -> edits = Integer.parseInt(args[++i]);
        case "--completions" -> completions = Integer.parseInt(args[++i]);
        case "--debounce" -> debounce = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("writ-lsp-bench");
    List<Path> ruleFiles = write(Workload.generate(Workload.Mix.REALISTIC, rules), dir, perFile);
    Path edited = ruleFiles.get(ruleFiles.size() / 2);
    String text = Files.readString(edited);
    int at = text.indexOf("principal User");
    if (at < 0) {
      throw new IllegalStateException("no `principal User` in " + edited);
    }
    String broken = text.substring(0, at) + "principal Usr" + text.substring(at + "principal User".length());

    Session s = new Session(dir, debounce);
    s.open(edited, text);
    s.await(edited, p -> true);
    // Break and fix the same rule: each change must come back with its diagnostics.
    long[] change = new long[edits];
    long[] cpu = new long[edits];
    int warmup = Math.max(5, edits / 5);
    for (int i = -warmup; i < edits; i++) {
      boolean breakIt = (i & 1) == 0;
      long c0 = workerCpu();
      long t0 = System.nanoTime();
      s.change(edited, breakIt ? broken : text);
      s.await(edited, p -> breakIt != p.getDiagnostics().isEmpty());
      if (i >= 0) {
        change[i] = System.nanoTime() - t0;
        cpu[i] = workerCpu() - c0;
      }
    }
    s.change(edited, text);
    s.await(edited, p -> p.getDiagnostics().isEmpty());
    // Completion after `principal.` in a `when` of the edited file.
    String withDot = text.replaceFirst("\n  ttl ", "\n  when principal.\n  ttl ");
    s.change(edited, withDot);
    s.await(edited, p -> true);
    int dot = withDot.indexOf("when principal.") + "when principal.".length();
    Position pos = position(withDot, dot);
    long[] complete = new long[completions];
    int size = 0;
    for (int i = -Math.max(20, completions / 5); i < completions; i++) {
      long t0 = System.nanoTime();
      List<CompletionItem> items = s.complete(edited, pos);
      if (i >= 0) {
        complete[i] = System.nanoTime() - t0;
      }
      size = items.size();
    }
    if (size == 0) {
      throw new IllegalStateException("completion after `principal.` gave nothing");
    }
    s.close();

    String cores = String.valueOf(Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "workspace: %d rules in %d files of %d (+ schema); edited %s; %s cores; "
        + "load average %s%n", rules, ruleFiles.size(), perFile, dir.relativize(edited), cores,
        Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
    System.out.printf(Locale.ROOT, "didChange -> publishDiagnostics (%d changes, quiet period %d ms included): %s%n",
        edits, debounce < 0 ? 100 : debounce, summary(change));
    System.out.printf(Locale.ROOT, "CPU time of the checking thread per change: %s%n", summary(cpu));
    System.out.printf(Locale.ROOT, "completion after principal. (%d requests, %d items): %s%n", completions, size,
        summary(complete));
  }

  /** CPU time of the server's checking thread: on a loaded machine, wall time also counts the wait for a core. */
  private static long workerCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (java.lang.management.ThreadInfo t : mx.dumpAllThreads(false, false)) {
      if (t.getThreadName().equals("writ-lsp-check")) {
        return mx.getThreadCpuTime(t.getThreadId());
      }
    }
    throw new IllegalStateException("no writ-lsp-check thread");
  }

  static String summary(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "median %.1f ms, p90 %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms",
        ms(pct(s, 50)), ms(pct(s, 90)), ms(pct(s, 99)), ms(s[0]), ms(s[s.length - 1]));
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** The workload's files, its rules split into files of {@code perFile} rules. */
  static List<Path> write(Workload w, Path dir, int perFile) throws IOException {
    List<String> rules = new ArrayList<>();
    for (SourceFile f : w.sources) {
      if (f.path().equals("schema.policy")) {
        Files.writeString(dir.resolve("schema.policy"), f.text());
        continue;
      }
      for (String r : f.text().split("(?<=\n}\n)\n")) {
        if (!r.isBlank()) {
          rules.add(r);
        }
      }
    }
    List<Path> out = new ArrayList<>();
    Files.createDirectories(dir.resolve("rules"));
    for (int start = 0; start < rules.size(); start += perFile) {
      Path p = dir.resolve(String.format(Locale.ROOT, "rules/%04d.policy", start / perFile));
      Files.writeString(p, String.join("\n", rules.subList(start, Math.min(rules.size(), start + perFile))));
      out.add(p);
    }
    return out;
  }

  static Position position(String text, int offset) {
    int line = 0;
    int start = 0;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        start = i + 1;
      }
    }
    return new Position(line, offset - start);
  }

  /** A client on one end of a pair of pipes, the server on the other, both through LSP4J. */
  private static final class Session implements LanguageClient {
    private final Map<String, BlockingQueue<PublishDiagnosticsParams>> diagnostics = new ConcurrentHashMap<>();
    private final LanguageServer server;
    private final OutputStream toServer;
    private final OutputStream toClient;
    private int version = 1;

    Session(Path dir, long debounce) throws Exception {
      Pipe up = Pipe.open();
      Pipe down = Pipe.open();
      InputStream serverIn = Channels.newInputStream(up.source());
      toServer = Channels.newOutputStream(up.sink());
      InputStream clientIn = Channels.newInputStream(down.source());
      toClient = Channels.newOutputStream(down.sink());
      WritLanguageServer impl = debounce < 0 ? new WritLanguageServer() : new WritLanguageServer(debounce, () -> { });
      Launcher<LanguageClient> serverSide = LSPLauncher.createServerLauncher(impl, serverIn, toClient);
      impl.connect(serverSide.getRemoteProxy());
      serverSide.startListening();
      Launcher<LanguageServer> clientSide = LSPLauncher.createClientLauncher(this, clientIn, toServer);
      clientSide.startListening();
      server = clientSide.getRemoteProxy();
      InitializeParams init = new InitializeParams();
      init.setCapabilities(new ClientCapabilities());
      init.setWorkspaceFolders(List.of(new WorkspaceFolder(dir.toUri().toString(), "bench")));
      server.initialize(init).get(60, TimeUnit.SECONDS);
      server.initialized(new InitializedParams());
    }

    void open(Path f, String text) {
      server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
          new TextDocumentItem(f.toUri().toString(), "writ-policy", version++, text)));
    }

    void change(Path f, String text) {
      server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
          new VersionedTextDocumentIdentifier(f.toUri().toString(), version++),
          List.of(new TextDocumentContentChangeEvent((Range) null, text))));
    }

    PublishDiagnosticsParams await(Path f, Predicate<PublishDiagnosticsParams> until) throws InterruptedException {
      BlockingQueue<PublishDiagnosticsParams> q = queue(f.toUri().toString());
      while (true) {
        PublishDiagnosticsParams p = q.poll(60, TimeUnit.SECONDS);
        if (p == null) {
          throw new IllegalStateException("no diagnostics for " + f + " within 60 s");
        }
        if (until.test(p)) {
          return p;
        }
      }
    }

    List<CompletionItem> complete(Path f, Position p) throws Exception {
      return server.getTextDocumentService().completion(new CompletionParams(
          new TextDocumentIdentifier(f.toUri().toString()), p)).get(60, TimeUnit.SECONDS).getLeft();
    }

    private BlockingQueue<PublishDiagnosticsParams> queue(String uri) {
      return diagnostics.computeIfAbsent(uri, u -> new LinkedBlockingQueue<>());
    }

    void close() throws Exception {
      server.shutdown().get(60, TimeUnit.SECONDS);
      server.exit();
      toServer.close();
      toClient.close();
    }

    @Override
    public void telemetryEvent(Object object) {}

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams params) {
      queue(params.getUri()).add(params);
    }

    @Override
    public void showMessage(MessageParams params) {}

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams params) {}
  }
}
