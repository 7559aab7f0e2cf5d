package dev.writ.cli;

import dev.writ.engine.bundle.BundleException;
import dev.writ.engine.bundle.BundleKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code writ keygen}: an Ed25519 key pair for signing bundles ({@code writ bundle --sign}, {@code writ serve --trust}). */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Generate an Ed25519 key pair (PKCS#8 private key, X.509 public key, both PEM) for signing bundles.")
final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--private", required = true, paramLabel = "FILE", description = "Where to write the private key.")
  Path privateKey;

  @Option(names = "--public", required = true, paramLabel = "FILE", description = "Where to write the public key.")
  Path publicKey;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      BundleKeys.writePem(BundleKeys.generate(), privateKey, publicKey);
    } catch (BundleException e) {
      throw new UserError(e.getMessage());
    }
    out.println("wrote private key " + privateKey + " (keep it secret) and public key " + publicKey);
    return Writ.EXIT_OK;
  }
}
