package dev.writ.cli;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.engine.bundle.BundleException;
import dev.writ.engine.bundle.BundleKeys;
import dev.writ.engine.bundle.BundleWriter;
import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.digest.Sha256;
import dev.writ.language.diag.DiagnosticRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code writ bundle [DIR] -o FILE [--sign KEY] [--revision R]}: compile policies into a .wbundle. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
    description = "Compile the policies under DIR (default src/main/policy) into a signed or unsigned .wbundle.")
final class BundleCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Policy directory.")
  Path dir = Path.of("src", "main", "policy");

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The bundle to write.")
  Path output;

  @Option(names = "--sign", paramLabel = "KEY", description = "A PKCS#8 Ed25519 private key (PEM or DER).")
  Path key;

  @Option(names = "--revision", paramLabel = "R", description = "The revision recorded in the manifest.")
  String revision;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws NoSuchAlgorithmException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<PrivateKey> signing = Optional.empty();
    try {
      if (key != null) {
        signing = Optional.of(BundleKeys.readPrivateKey(key));
      }
    } catch (BundleException e) {
      throw new UserError(e.getMessage());
    }
    CompiledPolicies result = CompiledPolicies.fromDirectory(dir);
    err.print(DiagnosticRenderer.render(result.diagnostics()));
    if (!result.ok()) {
      boolean unreadable = result.diagnostics().items().stream()
          .anyMatch(d -> CheckCommand.INPUT_PROBLEMS.contains(d.code()));
      err.println("writ: no bundle written: the policies have " + plural(result.diagnostics().errorCount(),
          "error"));
      return unreadable ? Writ.EXIT_USAGE : Writ.EXIT_FAILURES;
    }
    String rev = revision != null ? revision : "unversioned";
    byte[] bytes;
    try {
      bytes = new BundleWriter(rev, signing).write(result.plan().get(), result.sources(), dir);
      BundleWriter.writeFile(bytes, output);
    } catch (BundleException e) {
      throw new UserError(e.getMessage());
    }
    String digest = Sha256.hex(bytes);
    out.println("wrote " + output + ": " + plural(result.plan().get().rules().size(), "rule") + ", "
        + bytes.length + " bytes, revision " + rev + (signing.isPresent() ? ", signed" : ", unsigned")
        + ", sha256 " + digest);
    return Writ.EXIT_OK;
  }
}
