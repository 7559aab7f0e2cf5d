package dev.writ.server;

import dev.writ.engine.bundle.BundleException;
import dev.writ.engine.bundle.BundleKeys;
import dev.writ.engine.bundle.BundleReader;
import dev.writ.engine.bundle.LoadedBundle;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * A compiled bundle file ({@code .wbundle}): format version and content digest checked, and, with
 * a trusted public key, an Ed25519 signature that must verify (an unsigned bundle is then
 * refused too). Loading never runs the parser. The revision and the creation time are the bundle
 * manifest's.
 */
final class BundleFileSource implements PolicySource {
  private final Path file;
  private final Optional<Path> keyFile;
  private final BundleReader reader;

  /** @throws PolicyLoadException when the trusted key cannot be read (it is read once, at start) */
  BundleFileSource(Path file, Optional<Path> trustedKey) {
    this.file = file;
    this.keyFile = trustedKey;
    Optional<PublicKey> key;
    try {
      key = trustedKey.map(BundleKeys::readPublicKey);
    } catch (BundleException e) {
      throw new PolicyLoadException("--trust: " + e.getMessage());
    }
    this.reader = new BundleReader(key);
  }

  @Override
  public LoadedPolicy load() {
    try {
      LoadedBundle b = reader.read(file);
      return new LoadedPolicy(b.evaluationPlan(), b.manifest().revision(), Optional.of(b.manifest().created()));
    } catch (BundleException e) {
      throw new PolicyLoadException(e.getMessage());
    }
  }

  @Override
  public Fingerprint fingerprint() {
    return Fingerprint.of(List.of(file));
  }

  @Override
  public String describe() {
    return "bundle " + file + keyFile.map(k -> " (signature verified with " + k + ")").orElse("");
  }
}
