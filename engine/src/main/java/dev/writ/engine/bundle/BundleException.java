package dev.writ.engine.bundle;

/**
 * A bundle, or a key for one, that cannot be written or loaded: not a bundle, an unknown format
 * version, truncated, corrupted, unsigned or wrongly signed, too large, or a key file that is not
 * an Ed25519 key. The message is one line, names the file and is meant for the user as it is;
 * there is no stack trace because the cause is in the data, not in the code.
 */
public final class BundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BundleException(String message) {
    super(message, null, false, false);
  }

  /** {@code `name` <problem>}: the shape of every message. */
  static BundleException of(String name, String problem) {
    return new BundleException("`" + name + "` " + problem);
  }
}
