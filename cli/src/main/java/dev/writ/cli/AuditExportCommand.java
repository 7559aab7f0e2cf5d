package dev.writ.cli;

import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.engine.audit.AuditException;
import dev.writ.engine.audit.TrailExport;
import dev.writ.engine.grant.StoreUnavailableException;
import dev.writ.store.postgres.PostgresStoreSettings;
import dev.writ.store.postgres.PostgresTrailExport;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code writ audit export (--store URL | --data DIR) [--after SEQ] [-o FILE]}: the trail as JSON
 * lines, exactly as stored, the file {@code writ audit verify} checks (with {@code --after}, the
 * records after that seq: an increment to append to an earlier export). Written to a temporary
 * file next to {@code FILE} and moved into place, so a failed export never leaves half a trail
 * under its name.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write the audit trail of a store (writ serve --store, or --data) as JSON lines, the format "
        + "`writ audit verify` checks.")
final class AuditExportCommand implements Callable<Integer> {
  @Mixin
  StoreOptions store;

  @Option(names = "--data", paramLabel = "DIR", description = "The data directory of a file store (writ serve "
      + "--data); it may be in use by a running service.")
  Path data;

  @Option(names = "--after", paramLabel = "SEQ", description = "Only the records after this seq (default: 0, all). "
      + "The last exported seq is printed, to pass next time.")
  long after;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: standard output).")
  Path output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (store.given() == (data != null)) {
      throw new UserError(data == null ? "--store URL or --data DIR is required: the store whose trail to export"
          : "--store and --data: give one store, not both");
    }
    if (after < 0) {
      throw new UserError("--after " + after + ": a seq is 0 or more");
    }
    Optional<PostgresStoreSettings> settings = store.settings(System.getenv());
    String location = settings.map(PostgresStoreSettings::location).orElse(data == null ? "" : data.toString());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Exported r;
    try {
      if (output == null) {
        Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        r = export(settings, w);
        err.println("writ: exported " + DiagnosticRenderer.plural(r.records(), "record") + " from " + location
            + r.summary(after));
        return Writ.EXIT_OK;
      }
      Path target = output.toAbsolutePath();
      Path dir = target.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new UserError("-o " + output + ": no such directory " + dir);
      }
      Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
      try {
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          r = export(settings, w);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (StoreUnavailableException e) {
      throw new UserError("--store: " + e.getMessage());
    } catch (AuditException e) {
      throw new UserError("--data: " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      throw new UserError("-o " + output + ": cannot write: " + e.getMessage());
    }
    out.println(output + ": " + DiagnosticRenderer.plural(r.records(), "record") + " exported from " + location
        + r.summary(after) + (after == 0 ? "; check it with `writ audit verify " + output + "`" : ""));
    return Writ.EXIT_OK;
  }

  /** What an export wrote. */
  private record Exported(long records, long lastSeq, String head) {
    String summary(long after) {
      if (records == 0) {
        return after == 0 ? "" : " (none after " + after + ")";
      }
      return ", records " + (lastSeq - records + 1) + " to " + lastSeq + ", head " + head;
    }
  }

  private Exported export(Optional<PostgresStoreSettings> settings, Writer w) throws IOException {
    if (settings.isPresent()) {
      PostgresTrailExport.Result r = PostgresTrailExport.export(settings.get(), after, w);
      return new Exported(r.records(), r.records() == 0 ? 0 : r.lastSeq(), r.head());
    }
    Path trail = data.resolve("audit.jsonl");
    if (!Files.isRegularFile(trail)) {
      throw new UserError("--data " + data + ": no audit trail there (no audit.jsonl)");
    }
    TrailExport.Result r = TrailExport.export(trail, after, w);
    return new Exported(r.records(), r.lastSeq(), r.head());
  }
}
