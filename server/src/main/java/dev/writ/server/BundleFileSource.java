package dev.writ.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A compiled bundle file ({@code .wbundle}), its signature verified against the trusted public
 * key when one is configured. Loading never runs the parser.
 */
final class BundleFileSource implements PolicySource {
  private final Path file;
  private final Optional<Path> trustedKey;

  BundleFileSource(Path file, Optional<Path> trustedKey) {
    this.file = file;
    this.trustedKey = trustedKey;
  }

  @Override
  public LoadedPolicy load() {
    // The bundle reader (dev.writ.engine.bundle) is not on this branch yet. Once it is:
    //   try {
    //     LoadedBundle b = new BundleReader(trustedKey.map(BundleKeys::readPublicKey)).read(file);
    //     return new LoadedPolicy(b.evaluationPlan(), b.manifest().revision());
    //   } catch (BundleException e) {
    //     throw new PolicyLoadException(e.getMessage());
    //   }
    throw new PolicyLoadException("cannot load " + file + ": compiled bundles are not available in this build yet;"
        + " serve a policy directory with --policies DIR");
  }

  @Override
  public Fingerprint fingerprint() {
    return Fingerprint.of(List.of(file));
  }

  @Override
  public String describe() {
    return "bundle " + file + trustedKey.map(k -> " (signed, trusting " + k + ")").orElse("");
  }
}
