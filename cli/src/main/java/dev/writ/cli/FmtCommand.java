package dev.writ.cli;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.PolicySources;
import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code writ fmt [--check] PATH...}: canonical formatting in place. */
@Command(name = "fmt", mixinStandardHelpOptions = true,
    description = "Format .policy files in place (directories: every .policy file under them).")
final class FmtCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--check", description = "Change nothing; list files that are not formatted and exit 1 if any.")
  boolean check;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<SourceFile> files = new ArrayList<>();
    boolean unreadable = false;
    for (Path p : paths) {
      PolicySources.Loaded loaded = PolicySources.load(p);
      if (loaded.diagnostics().hasErrors()) {
        err.print(DiagnosticRenderer.render(loaded.diagnostics()));
        unreadable = true;
      }
      files.addAll(loaded.files());
    }
    int changed = 0;
    for (SourceFile f : files) {
      ParseResult parsed = PolicyParser.parse(f);
      if (parsed.file().isEmpty()) {
        err.print(DiagnosticRenderer.render(parsed.diagnostics()));
        err.println("writ: " + f.path() + " has syntax errors; not formatted");
        unreadable = true;
        continue;
      }
      String formatted = Formatter.format(parsed.file().get());
      if (formatted.equals(f.text())) {
        continue;
      }
      changed++;
      if (check) {
        out.println(f.path() + ": not formatted");
      } else {
        write(Path.of(f.path()), formatted);
        out.println(f.path() + ": formatted");
      }
    }
    if (unreadable) {
      return Writ.EXIT_USAGE;
    }
    if (check) {
      out.println(changed == 0 ? plural(files.size(), "file") + " already formatted"
          : plural(changed, "file") + (changed == 1 ? " needs" : " need") + " formatting; run `writ fmt` on them");
      return changed == 0 ? Writ.EXIT_OK : Writ.EXIT_FAILURES;
    }
    out.println("formatted " + plural(changed, "file") + ", " + (files.size() - changed) + " unchanged");
    return Writ.EXIT_OK;
  }

  /** Writes through a temporary file and a rename, so a crash never leaves half a policy. */
  private static void write(Path target, String text) {
    try {
      Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".writ-fmt", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UserError("cannot write " + target + ": " + e.getMessage());
    }
  }
}
