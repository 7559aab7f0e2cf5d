package dev.writ.cli;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.engine.audit.TrailRepair;
import dev.writ.engine.audit.TrailVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code writ audit verify FILE}: checks an audit trail's hash chain, names the first bad record,
 * and tells a torn tail (crash residue, which a restart cuts) from damage;
 * {@code writ audit export --store URL}: writes a shared store's trail in that format.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with audit trails.",
    subcommands = {AuditCommand.Verify.class, AuditExportCommand.class})
final class AuditCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (verify, export); see "
        + "`writ audit --help`");
  }

  /**
   * Exit 0 when the chain is intact (with a summary line), also when the trail ends in a torn
   * tail (what a crash during a write leaves: the summary is of what a restart keeps, and a
   * warning says what it will cut); 1 when it is damaged (naming the first bad record); 2 when
   * the file cannot be read.
   */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check the hash chain of an audit trail (e.g. writ-data/audit.jsonl); name the first record "
          + "that was altered, removed, inserted or reordered. A torn tail (what a crash during a write leaves) is "
          + "not damage: it is named, with what a restart will cut.")
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The audit trail (JSON lines).")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (!Files.isRegularFile(file)) {
        throw new UserError("cannot read the audit trail " + file + ": "
            + (Files.exists(file) ? "not a regular file" : "no such file"));
      }
      TrailVerifier.Result r;
      try {
        r = TrailVerifier.verify(file);
      } catch (IOException e) {
        throw new UserError("cannot read the audit trail " + file + ": " + e.getMessage());
      }
      if (!r.damaged()) {
        out.println(file + ": intact, " + plural(r.records(), "record") + ", head " + r.headHash());
        TrailRepair tail = r.tornTail();
        if (tail != null) {
          out.println(file + ": warning: torn tail, as a crash during a write leaves it: a restart will cut "
              + tail.where() + ": " + tail.why());
        }
        return Writ.EXIT_OK;
      }
      out.println(file + ": NOT intact: " + r.problem());
      out.println(file + ": the " + plural(r.records(), "record") + " before it "
          + (r.records() == 1 ? "verifies" : "verify") + " (head " + r.headHash() + ")");
      return Writ.EXIT_FAILURES;
    }
  }
}
