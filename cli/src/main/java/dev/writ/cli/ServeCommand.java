package dev.writ.cli;

import dev.writ.language.vocab.Durations;
import dev.writ.server.PolicyLoadException;
import dev.writ.server.PolicySource;
import dev.writ.server.ServerConfig;
import dev.writ.server.ServerStartException;
import dev.writ.server.WritServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writ serve}: the enforcement service (docs/server.md). Runs
 * until stopped; SIGTERM (or Ctrl-C) stops it gracefully: no new connections, requests in flight
 * finish, the audit trail is closed.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the enforcement service: decisions, grants, action checks and audit over HTTP.")
final class ServeCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--bundle", paramLabel = "FILE", description = "A compiled .wbundle file.")
    Path bundle;

    @Option(names = "--policies", paramLabel = "DIR", description = "A directory of .policy files, compiled on load "
        + "(for development).")
    Path policies;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--entities", paramLabel = "FILE", description = "Entity data (YAML or JSON); repeatable.")
  List<Path> entities = new ArrayList<>();

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8181", description = "Port (default: ${DEFAULT-VALUE}; "
      + "0 picks a free one).")
  int port;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}, loopback only; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "writ-data",
      description = "Grants, pending requests and the audit trail (default: ./${DEFAULT-VALUE}); not used with --store.")
  Path data;

  @CommandLine.Mixin
  StoreOptions store;

  @Option(names = "--trust", paramLabel = "PUBKEY", description = "Ed25519 public key the bundle must be signed with.")
  Path trust;

  @Option(names = "--watch", description = "Load a changed bundle (or entity file) while running; one that fails to "
      + "load or verify is refused and the previous one keeps serving.")
  boolean watch;

  @Option(names = "--watch-interval", paramLabel = "DURATION", defaultValue = "2s",
      description = "How often to look for changes with --watch (default: ${DEFAULT-VALUE}).")
  String watchInterval;

  @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
      description = "Largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}).")
  long maxBody;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this PEM certificate chain "
      + "(with --tls-key); rotated files are picked up without a restart.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "PEM", description = "Require client certificates chaining to these "
      + "CAs (mutual TLS; needs --tls-cert).")
  Path clientCa;

  @Option(names = "--auth", paramLabel = "FILE", description = "Who may call, and with which roles: bearer tokens "
      + "(JWT against a JWKS file) and client certificates (docs/server.md). Without it the service is open.")
  Path auth;

  @Option(names = "--insecure-open", description = "Run without --auth on an address other than loopback "
      + "(anyone who reaches the port may do anything).")
  boolean insecureOpen;

  @Option(names = "--allow-client-time", description = "Honour a client's `time`/`at` on calls that change state "
      + "(tests and replays only; otherwise the service clock decides and such fields are refused).")
  boolean allowClientTime;

  @Option(names = "--allowed-origins", paramLabel = "ORIGIN", split = ",", description = "Browser origins whose "
      + "calls are accepted (comma-separated); a call with any other Origin header is refused. Default: none.")
  List<String> allowedOrigins = new ArrayList<>();

  @Option(names = "--allow-rollback", description = "With --watch, accept a bundle created before the one being "
      + "served (otherwise refused as a rollback).")
  boolean allowRollback;

  @Option(names = "--open-metrics", description = "Serve /metrics without credentials even with --auth.")
  boolean openMetrics;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (trust != null && source.bundle == null) {
      throw new UserError("--trust verifies a bundle's signature; it needs --bundle");
    }
    if (port < 0 || port > 65535) {
      throw new UserError("--port must be 0-65535, got " + port);
    }
    if (maxBody < 1) {
      throw new UserError("--max-body must be at least 1 byte");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UserError("--tls-cert and --tls-key go together");
    }
    if (clientCa != null && tlsCert == null) {
      throw new UserError("--client-ca asks clients for certificates over TLS; it needs --tls-cert and --tls-key");
    }
    long interval;
    try {
      interval = Durations.parse(watchInterval);
    } catch (Durations.InvalidDuration e) {
      throw new UserError("--watch-interval: " + e.getMessage());
    }
    if (interval < 1) {
      throw new UserError("--watch-interval must be at least 1s");
    }
    ServerConfig config = ServerConfig.defaults().withHost(host).withPort(port).withDataDir(data)
        .withEntityFiles(entities).withMaxBodyBytes(maxBody).withWatch(watch, Duration.ofSeconds(interval))
        .withTls(tlsCert == null ? Optional.empty()
            : Optional.of(new ServerConfig.Tls(tlsCert, tlsKey, Optional.ofNullable(clientCa))))
        .withAuthFile(Optional.ofNullable(auth)).withInsecureOpen(insecureOpen).withAllowClientTime(allowClientTime)
        .withAllowedOrigins(allowedOrigins).withAllowRollback(allowRollback).withOpenMetrics(openMetrics)
        .withStore(store.settings(System.getenv()));
    WritServer server;
    try {
      PolicySource policySource = source.bundle != null
          ? PolicySource.bundle(source.bundle, Optional.ofNullable(trust))
          : PolicySource.policies(source.policies);
      server = WritServer.start(config, policySource);
    } catch (PolicyLoadException e) {
      if (!e.details().isBlank()) {
        err.print(e.details());
      }
      throw new UserError(e.getMessage());
    } catch (ServerStartException e) {
      throw new UserError(e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "writ-shutdown"));
    out.println("writ: serving revision " + server.service().active().revision() + " on " + server.uri()
        + " (" + (store.given() ? "grants in " + config.store().get().location() : "data in " + data)
        + (watch ? ", watching for changes" : "") + ")");
    out.flush();
    server.join();
    return Writ.EXIT_OK;
  }
}
