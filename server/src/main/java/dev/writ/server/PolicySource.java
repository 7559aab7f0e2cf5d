package dev.writ.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the service's policies come from: a compiled bundle (what production runs; the service
 * then never runs the parser) or a policy directory compiled on load (development).
 */
public interface PolicySource {
  /**
   * Reads, verifies and compiles the current content.
   *
   * @throws PolicyLoadException when it cannot be served; the caller keeps what it had
   */
  LoadedPolicy load();

  /**
   * A value that changes whenever the files behind this source change (sizes, modification
   * times, file identities); the watcher compares successive values. Never throws.
   */
  Fingerprint fingerprint();

  /** What it is, for logs and /health ({@code bundle /etc/writ/prod.wbundle}). */
  String describe();

  /**
   * A compiled bundle, verified against the trusted public key when one is given.
   *
   * @throws PolicyLoadException when the key cannot be read
   */
  static PolicySource bundle(Path file, Optional<Path> trustedKey) {
    return new BundleFileSource(file, trustedKey);
  }

  static PolicySource policies(Path dir) {
    return new PolicyDirectorySource(dir);
  }
}
