package dev.writ.cli;

import dev.writ.language.diag.DiagnosticRenderer;
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
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code writ audit export --store URL [-o FILE]}: the shared trail as JSON lines, exactly as
 * stored, the file {@code writ audit verify} checks. Written to a temporary file next to
 * {@code FILE} and moved into place, so a failed export never leaves half a trail under its name.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write the audit trail of a shared store (writ serve --store) as JSON lines, the format "
        + "`writ audit verify` checks.")
final class AuditExportCommand implements Callable<Integer> {
  @Mixin
  StoreOptions store;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: standard output).")
  Path output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!store.given()) {
      throw new UserError("--store URL is required: the database whose trail to export");
    }
    PostgresStoreSettings settings = store.settings(System.getenv()).orElseThrow();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PostgresTrailExport.Result r;
    try {
      if (output == null) {
        Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        r = PostgresTrailExport.export(settings, w);
        err.println("writ: exported " + DiagnosticRenderer.plural(r.records(), "record") + " from "
            + settings.location() + ", head " + r.head());
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
          r = PostgresTrailExport.export(settings, w);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (StoreUnavailableException e) {
      throw new UserError("--store: " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      throw new UserError("-o " + output + ": cannot write: " + e.getMessage());
    }
    out.println(output + ": " + DiagnosticRenderer.plural(r.records(), "record") + " exported from " + settings.location()
        + ", head " + r.head() + "; check it with `writ audit verify " + output + "`");
    return Writ.EXIT_OK;
  }
}
